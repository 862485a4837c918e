import { z } from 'zod';
import { listOf, ok, route, type BridgeRoute } from '../bridge-route.ts';

const ENDPOINT_FIELDS = 'id url description eventTypes payloadFilter enabled disabledReason createdAt';
const DELIVERY_FIELDS = 'id webhookId eventType status attemptCount lastAttemptAt lastResponseStatus lastError nextAttemptAt createdAt completedAt';

const endpointSchema = z.object({
  webhook_id: z.string(),
  url: z.string(),
  description: z.string(),
  events: z.array(z.string()),
  payload_filter: z.record(z.string(), z.unknown()).nullable().describe('Top-level payload fields that must equal these values; null delivers every event of the types'),
  enabled: z.boolean(),
  disabled_reason: z.string().nullable(),
  created_at: z.string(),
});

const endpointOf = (endpoint: Record<string, any>): z.infer<typeof endpointSchema> => ({
  webhook_id: endpoint['id'],
  url: endpoint['url'],
  description: endpoint['description'],
  events: endpoint['eventTypes'],
  payload_filter: endpoint['payloadFilter'],
  enabled: endpoint['enabled'],
  disabled_reason: endpoint['disabledReason'],
  created_at: endpoint['createdAt'],
});

const deliverySchema = z.object({
  delivery_id: z.string(),
  webhook_message_id: z.string(),
  event_type: z.string(),
  status: z.enum(['pending', 'succeeded', 'failed']),
  attempts: z.number().int(),
  last_attempt_at: z.string().nullable(),
  last_response_status: z.number().int().nullable(),
  last_error: z.string().nullable(),
  next_attempt_at: z.string().nullable(),
  created_at: z.string(),
  completed_at: z.string().nullable(),
});

const deliveryOf = (delivery: Record<string, any>): z.infer<typeof deliverySchema> => ({
  delivery_id: delivery['id'],
  webhook_message_id: delivery['webhookId'],
  event_type: delivery['eventType'],
  status: delivery['status'],
  attempts: delivery['attemptCount'],
  last_attempt_at: delivery['lastAttemptAt'],
  last_response_status: delivery['lastResponseStatus'],
  last_error: delivery['lastError'],
  next_attempt_at: delivery['nextAttemptAt'],
  created_at: delivery['createdAt'],
  completed_at: delivery['completedAt'],
});

/** UBP webhook management (seed 003); the rest (rotate, redeliver, recover) is on /graphql. */
export const WEBHOOK_ROUTES: readonly BridgeRoute[] = [
  route({
    method: 'POST',
    path: '/api/v1/webhooks',
    tag: 'ubp',
    summary: 'Create a webhook endpoint; its whsec_ secret is shown once',
    body: z.object({
      url: z.string().min(1),
      events: z.array(z.string()).min(1),
      description: z.string().optional(),
      payload_filter: z.record(z.string(), z.unknown()).optional(),
      enabled: z.boolean().optional(),
    }),
    response: endpointSchema.extend({ secret: z.string() }),
    successStatus: 201,
    operation: ({ body }) => ({
      document: `mutation RestCreateWebhook($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret endpoint { ${ENDPOINT_FIELDS} } } }`,
      variables: { input: { url: body.url, eventTypes: body.events, description: body.description, payloadFilter: body.payload_filter, enabled: body.enabled } },
    }),
    result: ({ createWebhookEndpoint }) =>
      ok({ ...endpointOf(createWebhookEndpoint.endpoint), secret: createWebhookEndpoint.secret }, 201, 'Store the secret now: it is not shown again'),
  }),
  route({
    method: 'GET',
    path: '/api/v1/webhooks',
    tag: 'ubp',
    summary: "The caller's webhook endpoints, newest first",
    response: z.object({ total: z.number().int(), items: z.array(endpointSchema) }),
    operation: () => ({ document: `query RestListWebhooks { webhookEndpoints { ${ENDPOINT_FIELDS} } }`, variables: {} }),
    result: ({ webhookEndpoints }) => listOf(webhookEndpoints.map(endpointOf)),
  }),
  route({
    method: 'GET',
    path: '/api/v1/webhooks/{id}/deliveries',
    tag: 'ubp',
    summary: "One endpoint's deliveries, newest first; `after` continues from `next_cursor`",
    query: z.object({
      status: z.enum(['pending', 'succeeded', 'failed']).optional(),
      per_page: z.coerce.number().int().min(1).max(100).default(20),
      after: z.string().optional(),
    }),
    response: z.object({ total: z.number().int(), items: z.array(deliverySchema), next_cursor: z.string().nullable() }),
    operation: ({ params, query }) => ({
      document: `query RestWebhookDeliveries($id: ID!, $status: WebhookDeliveryStatus, $first: Int, $after: String) { webhookEndpoint(id: $id) { deliveries(status: $status, first: $first, after: $after) { nodes { ${DELIVERY_FIELDS} } pageInfo { endCursor hasNextPage } } } }`,
      variables: { id: params['id'], status: query.status ?? null, first: query.per_page, after: query.after ?? null },
    }),
    result: ({ webhookEndpoint }, { params }) => {
      if (!webhookEndpoint) return { kind: 'error', code: 'RESOURCE_NOT_FOUND', message: `Webhook '${params['id']}' not found` };
      const page = webhookEndpoint.deliveries;
      return { ...listOf(page.nodes.map(deliveryOf)), next_cursor: page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null };
    },
  }),
];
