import { GraphQLError, type FieldNode, type GraphQLFieldResolver, type GraphQLFormattedError, type GraphQLResolveInfo } from 'graphql';
import { serviceUnavailable, validationError } from '../../core/errors/errors.ts';
import { edgeContext } from '../executor/edge-context.ts';
import type { ExecuteOperation } from '../executor/execute-operation.ts';
import { entitledTo } from './event-entitlement.ts';
import { ENTITY_ID_VARIABLE, ENTITY_RESPONSE_KEY, entityQuery } from './entity-query.ts';
import type { EventHub } from './event-hub.ts';
import type { SubscriptionContext } from './subscription-context.ts';
import { EVENT_ENTITY_FIELDS, SUBSCRIPTION_FIELDS, type EventEntityField, type SubscriptionField } from './subscription-fields.ts';
import type { AnyPlatformEvent } from '../../schema/events.ts';
import type { InternalCall } from '../../core/identity/internal-token.ts';
import type { Principal } from '../../core/identity/principal.ts';

export interface EventResolversOptions {
  readonly hub: EventHub;
  /** The gateway's own executor: the entity queries are planned like any client query. */
  readonly execute: ExecuteOperation;
  readonly signInternalToken: (call: InternalCall) => Promise<string>;
  /** The owning subgraph's own rule for a `Subscription` field, so a socket is held to what HTTP would be. */
  readonly authorizeSubscription: SubscriptionAuthorizer;
}

/** True, or the refusal: the access rule of `Subscription.<field>` in the subgraph that declares it. */
export type SubscriptionAuthorizer = (
  subgraph: string,
  field: string,
  caller: { readonly principal: Principal | null; readonly requestId: string; readonly clientAddress: string | null },
) => true | GraphQLError;

export interface EventResolvers {
  /**
   * Starts a `Subscription` field: checks its rule, then feeds it the events the
   * subscriber is entitled to, as they came from the bus (one object shared by
   * every feed, so payloads can be shared per event); `fieldOf` shapes them.
   */
  readonly subscribeFieldResolver: GraphQLFieldResolver<unknown, SubscriptionContext>;
  /** Resolves each event: fields from the event, entity fields fetched through the plan. */
  readonly fieldResolver: GraphQLFieldResolver<unknown, SubscriptionContext>;
  /** The `Subscription` field a stream from `subscribeFieldResolver` feeds, whose `shape` makes an event its root value. */
  fieldOf(stream: object): SubscriptionField | undefined;
}

/** Where a fetched object sits in its entity query's answer, and that answer's errors by path. */
interface Fetched {
  readonly path: string;
  readonly errors: ReadonlyMap<string, GraphQLFormattedError>;
}

/**
 * The error that left `path` null in an entity query's answer: its own, or one below
 * it whose non-null field's null climbed up to it (GraphQL's propagation). An error
 * from below keeps the rest of its path beneath the subscriber's field (`at`), so it
 * names the field that failed, as it would in a query's answer.
 */
function errorAtOrBelow(errors: ReadonlyMap<string, GraphQLFormattedError>, path: string, at: GraphQLResolveInfo['path']): GraphQLError | undefined {
  const own = errors.get(path);
  if (own) return new GraphQLError(own.message, { extensions: own.extensions ?? {} });
  for (const [errorPath, error] of errors) {
    if (!errorPath.startsWith(`${path}.`)) continue;
    const below = (error.path ?? []).slice(path.split('.').length);
    return new GraphQLError(error.message, { path: [...responsePathOf(at), ...below], extensions: error.extensions ?? {} });
  }
  return undefined;
}

function responsePathOf(path: GraphQLResolveInfo['path'] | undefined): Array<string | number> {
  const keys: Array<string | number> = [];
  for (let step = path; step; step = step.prev) keys.unshift(step.key);
  return keys;
}

/**
 * The resolvers graphql-js runs a subscription with. A subscription's root
 * field yields event objects; every field below reads the event, except the
 * entity fields of EVENT_ENTITY_FIELDS, which run one query per event through
 * Apollo (query plan, subgraphs, shield rules, all with the subscriber's
 * identity) and then read that answer, aliases and partial errors included.
 */
export function eventResolvers(options: EventResolversOptions): EventResolvers {
  const fetched = new WeakMap<object, Fetched>();
  // Keyed by the field's node in the subscriber's document, which every event's execution shares.
  const queries = new WeakMap<FieldNode, string>();
  const streams = new WeakMap<object, SubscriptionField>();

  const fetchEntity = async (entity: EventEntityField, id: unknown, info: GraphQLResolveInfo, context: SubscriptionContext, eventId: unknown) => {
    const node = info.fieldNodes[0]!;
    let query = queries.get(node);
    if (!query) queries.set(node, (query = entityQuery(entity, info)));
    const edge = edgeContext(context.principal, `${context.connectionId}:${String(eventId)}`, context.clientAddress, options.signInternalToken);
    const result = await options.execute(query, { ...info.variableValues, [ENTITY_ID_VARIABLE]: id }, edge);
    const errors = new Map<string, GraphQLFormattedError>();
    for (const error of result.errors) errors.set((error.path ?? []).join('.'), error);
    const value = result.data?.[ENTITY_RESPONSE_KEY];
    if (value === null || value === undefined) {
      const first = result.errors[0];
      if (first) throw errorAtOrBelow(errors, ENTITY_RESPONSE_KEY, info.path) ?? new GraphQLError(first.message, { extensions: first.extensions ?? {} });
      return null;
    }
    fetched.set(value as object, { path: ENTITY_RESPONSE_KEY, errors });
    return value;
  };

  const readFetched = (source: Record<string, unknown>, meta: Fetched, info: GraphQLResolveInfo): unknown => {
    const key = String(info.path.key);
    const path = `${meta.path}.${key}`;
    const value = source[key];
    if (value === null || value === undefined) {
      const error = errorAtOrBelow(meta.errors, path, info.path);
      if (error) throw error;
      return value;
    }
    const mark = (item: unknown, itemPath: string): void => {
      if (Array.isArray(item)) item.forEach((element, index) => mark(element, `${itemPath}.${index}`));
      else if (item !== null && typeof item === 'object') fetched.set(item, { path: itemPath, errors: meta.errors });
    };
    mark(value, path);
    return value;
  };

  return {
    subscribeFieldResolver: (_source, args, context, info) => {
      const field = SUBSCRIPTION_FIELDS[info.fieldName];
      if (!field) throw validationError(`Subscription.${info.fieldName} has no event source on this gateway`);
      const verdict = options.authorizeSubscription(field.subgraph, info.fieldName, {
        principal: context.principal,
        requestId: context.connectionId,
        clientAddress: context.clientAddress,
      });
      if (verdict !== true) throw verdict;
      const newer = field.newerOnly();
      const stream = options.hub.open({
        types: field.events,
        accept: (event) => entitledTo(context.principal, event) && field.matches(args, event) && newer(event),
        map: (event): AnyPlatformEvent => event,
        onOverflow: () => context.end(serviceUnavailable('Subscriber too slow: more events were waiting than this gateway keeps')),
      });
      streams.set(stream, field);
      return stream;
    },
    fieldOf: (stream) => streams.get(stream),
    fieldResolver: (source, _args, context, info) => {
      const subscriptionType = info.schema.getSubscriptionType();
      if (info.parentType === subscriptionType) return source;
      const record = source as Record<string, unknown>;
      const meta = fetched.get(record);
      if (meta) return readFetched(record, meta, info);
      const entity = EVENT_ENTITY_FIELDS[`${info.parentType.name}.${info.fieldName}`];
      if (entity) {
        const id = record[entity.idField];
        return id === null || id === undefined ? null : fetchEntity(entity, id, info, context, record['eventId']);
      }
      return record[info.fieldName];
    },
  };
}
