import { z } from 'zod';
import { WEBHOOK_EVENT_TYPES } from '../../schema/events.ts';
import { SCOPE_RESOURCES } from '../../schema/scope-docs.ts';
import { listOf, ok, route, type BridgeRoute } from '../bridge-route.ts';

const eventSchema = z.object({ event_type: z.string(), description: z.string(), webhook_deliverable: z.boolean(), sample_payload: z.record(z.string(), z.unknown()).describe("A made-up payload of the type's exact shape; POST /api/v1/events/trigger sends it") });
const scopeSchema = z.object({ scope: z.string(), action: z.string(), resource: z.string(), description: z.string() });
const listSchema = <T extends z.ZodType>(item: T) => z.object({ total: z.number().int(), items: z.array(item) });

/** UBP documentation and testing routes (seed 003): the catalogs of `schema/`, and a test event for the caller's own webhooks. */
export const DOCS_CATALOG_ROUTES: readonly BridgeRoute[] = [
  route({
    method: 'GET',
    path: '/api/v1/docs/events',
    tag: 'ubp',
    auth: 'none',
    summary: 'The platform event catalog, with a sample payload of each type; `webhook=true` lists only those an endpoint may subscribe to',
    query: z.object({ webhook: z.enum(['true', 'false']).optional() }),
    response: listSchema(eventSchema),
    operation: ({ query }) => ({
      document: 'query RestEventCatalog($webhookDeliverable: Boolean) { eventCatalog(webhookDeliverable: $webhookDeliverable) { type description webhookDeliverable samplePayload } }',
      variables: { webhookDeliverable: query.webhook === undefined ? null : query.webhook === 'true' },
    }),
    result: ({ eventCatalog }) =>
      listOf(eventCatalog.map((entry: Record<string, any>) => ({ event_type: entry['type'], description: entry['description'], webhook_deliverable: entry['webhookDeliverable'], sample_payload: entry['samplePayload'] }))),
  }),
  route({
    method: 'GET',
    path: '/api/v1/docs/scopes',
    tag: 'ubp',
    auth: 'none',
    summary: 'The scopes a user or API key may hold; `resource` narrows the list',
    query: z.object({ resource: z.enum(SCOPE_RESOURCES as [string, ...string[]]).optional() }),
    response: listSchema(scopeSchema),
    operation: ({ query }) => ({
      document: 'query RestScopeCatalog($resource: String) { scopeCatalog(resource: $resource) { scope action resource description } }',
      variables: { resource: query.resource ?? null },
    }),
    result: ({ scopeCatalog }) => listOf(scopeCatalog),
  }),
  route({
    method: 'POST',
    path: '/api/v1/events/trigger',
    tag: 'ubp',
    summary: "Sends a sample event of `event_type` to the caller's own webhooks subscribed to it, or to one of theirs (`webhook_id`), signed and retried like a real one",
    body: z.object({ event_type: z.enum(WEBHOOK_EVENT_TYPES), webhook_id: z.string().optional() }),
    response: z.object({ event_id: z.string(), event_type: z.string(), payload: z.record(z.string(), z.unknown()).describe("The sample payload sent, of the type's exact shape"), deliveries: z.array(z.object({ delivery_id: z.string(), webhook_id: z.string() })) }),
    successStatus: 202,
    operation: ({ body }) => ({
      document:
        'mutation RestTriggerTestEvent($eventType: String!, $endpointId: ID) { triggerTestEvent(eventType: $eventType, endpointId: $endpointId) { eventId eventType payload deliveries { id endpoint { id } } } }',
      variables: { eventType: body.event_type, endpointId: body.webhook_id ?? null },
    }),
    result: ({ triggerTestEvent }) =>
      ok(
        {
          event_id: triggerTestEvent.eventId,
          event_type: triggerTestEvent.eventType,
          payload: triggerTestEvent.payload,
          deliveries: triggerTestEvent.deliveries.map((delivery: Record<string, any>) => ({ delivery_id: delivery['id'], webhook_id: delivery['endpoint']['id'] })),
        },
        202,
        `Queued for ${triggerTestEvent.deliveries.length} webhook endpoint(s)`,
      ),
  }),
];
