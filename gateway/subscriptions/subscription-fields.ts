import type { AnyPlatformEvent, EventType, PlatformEvent } from '../../schema/events.ts';
import type { SubgraphName } from '../../schema/subgraph-names.ts';

/**
 * How each `Subscription` field of the supergraph is fed: which bus events it
 * carries, which of them its arguments select, and the event object as its
 * schema type names the fields. The access rule is the owning subgraph's
 * `Subscription.<field>` entry, so a field's rule lives in one place.
 */
export interface SubscriptionField {
  readonly subgraph: SubgraphName;
  readonly events: readonly EventType[];
  matches(args: Readonly<Record<string, unknown>>, event: AnyPlatformEvent): boolean;
  shape(event: AnyPlatformEvent): Record<string, unknown>;
  /**
   * A filter for one subscriber's stream that lets through only events newer than
   * the last one it passed of the same thing. Events of one job may be published
   * by different replicas and cross on the bus; their sequence says which is newer.
   */
  newerOnly(): (event: AnyPlatformEvent) => boolean;
}

const always = () => true;

function field<T extends EventType>(definition: {
  subgraph: SubgraphName;
  events: readonly T[];
  matches?: (args: Readonly<Record<string, unknown>>, event: PlatformEvent<T>) => boolean;
  shape: (event: PlatformEvent<T>) => Record<string, unknown>;
  /** What the event is about and its place in that thing's changes, when they are numbered. */
  sequenceOf?: (event: PlatformEvent<T>) => { readonly key: string; readonly sequence: number };
}): SubscriptionField {
  const { sequenceOf } = definition;
  return {
    newerOnly: () => {
      if (!sequenceOf) return always;
      const latest = new Map<string, number>();
      return (event) => {
        const { key, sequence } = sequenceOf(event as PlatformEvent<T>);
        const seen = latest.get(key);
        if (seen !== undefined && sequence <= seen) return false;
        latest.set(key, sequence);
        return true;
      };
    },
    subgraph: definition.subgraph,
    events: definition.events,
    matches: (args, event) => definition.matches?.(args, event as PlatformEvent<T>) ?? true,
    shape: (event) => definition.shape(event as PlatformEvent<T>),
  };
}

const common = (event: Pick<AnyPlatformEvent, 'id' | 'occurredAt'>) => ({ eventId: event.id, occurredAt: event.occurredAt });
const argument = (args: Readonly<Record<string, unknown>>, name: string): unknown => args[name] ?? null;

export const SUBSCRIPTION_FIELDS: Readonly<Record<string, SubscriptionField>> = {
  trainingJobUpdated: field({
    subgraph: 'agent-forge',
    events: ['training.progress', 'training.completed', 'training.failed'],
    matches: (args, event) => argument(args, 'jobId') === null || argument(args, 'jobId') === event.payload.jobId,
    shape: (event) => ({ ...common(event), kind: event.type.slice('training.'.length), ...event.payload }),
  }),
  apiKeyChanged: field({
    subgraph: 'keys',
    events: ['api_key.created', 'api_key.revoked'],
    shape: (event) => ({ ...common(event), kind: event.type.slice('api_key.'.length), keyId: event.payload.keyId }),
  }),
  usageThresholdCrossed: field({
    subgraph: 'keys',
    events: ['usage.threshold_crossed'],
    shape: (event) => ({ ...common(event), ...event.payload }),
  }),
  webhookDelivery: field({
    subgraph: 'webhooks',
    events: ['webhook.delivery_attempted'],
    matches: (args, event) => argument(args, 'endpointId') === null || argument(args, 'endpointId') === event.payload.endpointId,
    shape: (event) => ({ ...event.payload, occurredAt: event.occurredAt }),
  }),
  bulkOperationUpdated: field({
    subgraph: 'bulk',
    events: ['bulk.operation_updated'],
    matches: (args, event) => argument(args, 'id') === null || argument(args, 'id') === event.payload.operationId,
    // The subscription schema's enums carry their names as values: the GraphQL names, not the stored ones.
    shape: (event) => ({ ...common(event), ...event.payload, kind: event.payload.kind.toUpperCase(), status: event.payload.status.toUpperCase() }),
    sequenceOf: (event) => ({ key: event.payload.operationId, sequence: event.payload.sequence }),
  }),
  moduleStatusChanged: field({
    subgraph: 'modules',
    events: ['module.status_changed'],
    matches: (args, event) => argument(args, 'slug') === null || argument(args, 'slug') === event.payload.slug,
    shape: (event) => ({ ...common(event), ...event.payload }),
  }),
};

/**
 * Fields of the event types that are entities owned elsewhere in the graph. For
 * each event they are fetched with the named Query field, through the gateway's
 * own query plan and with the subscriber's identity, so the selection below
 * them may reach any subgraph and every subgraph's rules apply per event.
 */
export interface EventEntityField {
  readonly query: string;
  readonly argument: string;
  /** The event field that holds the entity's id. */
  readonly idField: string;
}

export const EVENT_ENTITY_FIELDS: Readonly<Record<string, EventEntityField>> = {
  'TrainingEvent.job': { query: 'trainingJob', argument: 'id', idField: 'jobId' },
  'ApiKeyEvent.key': { query: 'apiKey', argument: 'id', idField: 'keyId' },
  'UsageThresholdEvent.apiKey': { query: 'apiKey', argument: 'id', idField: 'keyId' },
  'ModuleStatusEvent.module': { query: 'module', argument: 'slug', idField: 'slug' },
};
