import { z } from 'zod';
import { listOf, ok, route, type BridgeRoute } from '../bridge-route.ts';

const AUTOMATION_FIELDS =
  'id name trigger { eventType condition } delaySeconds action { kind webhookEndpoint { id } mutation variables } enabled disabledReason consecutiveFailures createdAt updatedAt';
const RUN_FIELDS = 'id eventId eventType input causedBy status attemptCount nextAttemptAt output lastError createdAt startedAt completedAt durationMs';
const RUN_STATUSES = ['pending', 'succeeded', 'failed', 'loop_stopped', 'cancelled'] as const;

const automationSchema = z.object({
  automation_id: z.string(),
  name: z.string(),
  event_type: z.string(),
  condition: z.record(z.string(), z.unknown()).nullable().describe('Top-level payload fields that must equal these values (the webhook payload_filter format); null: every event of the type'),
  delay_seconds: z.number().int(),
  action: z.object({ type: z.enum(['webhook', 'mutation']), webhook_id: z.string().nullable(), mutation: z.string().nullable(), variables: z.record(z.string(), z.unknown()).nullable().describe("Values of the mutation's other variables (those named like a payload field take that field's value)") }),
  enabled: z.boolean(),
  disabled_reason: z.string().nullable(),
  consecutive_failures: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
});

const automationOf = (automation: Record<string, any>): z.infer<typeof automationSchema> => ({
  automation_id: automation['id'],
  name: automation['name'],
  event_type: automation['trigger']['eventType'],
  condition: automation['trigger']['condition'],
  delay_seconds: automation['delaySeconds'],
  action: {
    type: automation['action']['kind'],
    webhook_id: automation['action']['webhookEndpoint']?.['id'] ?? null,
    mutation: automation['action']['mutation'],
    variables: automation['action']['variables'],
  },
  enabled: automation['enabled'],
  disabled_reason: automation['disabledReason'],
  consecutive_failures: automation['consecutiveFailures'],
  created_at: automation['createdAt'],
  updated_at: automation['updatedAt'],
});

const runSchema = z.object({
  run_id: z.string(),
  event_id: z.string(),
  event_type: z.string(),
  input: z.record(z.string(), z.unknown()).describe("The triggering event's payload"),
  caused_by: z.array(z.string()),
  status: z.enum(RUN_STATUSES),
  attempts: z.number().int(),
  next_attempt_at: z.string().nullable(),
  output: z.unknown().describe("The last attempt's result: the mutation's data (credentials redacted) or the receiver's status; null before"),
  last_error: z.string().nullable(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  completed_at: z.string().nullable(),
  duration_ms: z.number().int(),
});

const runOf = (run: Record<string, any>): z.infer<typeof runSchema> => ({
  run_id: run['id'],
  event_id: run['eventId'],
  event_type: run['eventType'],
  input: run['input'],
  caused_by: run['causedBy'],
  status: run['status'],
  attempts: run['attemptCount'],
  next_attempt_at: run['nextAttemptAt'],
  output: run['output'],
  last_error: run['lastError'],
  created_at: run['createdAt'],
  started_at: run['startedAt'],
  completed_at: run['completedAt'],
  duration_ms: run['durationMs'],
});

const actionBody = z.object({ webhook_id: z.string().optional(), mutation: z.string().optional(), variables: z.record(z.string(), z.unknown()).optional() });
const automationBody = z.object({
  name: z.string(),
  event_type: z.string(),
  condition: z.record(z.string(), z.unknown()).nullable().optional(),
  delay_seconds: z.number().int().optional(),
  action: actionBody,
  enabled: z.boolean().optional(),
});

type ActionBody = z.infer<typeof actionBody>;
const actionInput = (action: ActionBody | undefined) => ({ webhookEndpointId: action?.webhook_id, mutation: action?.mutation, variables: action?.variables });

/** UBP workflow automation (seed 003): the same GraphQL fields as /graphql, in the seed's snake_case. */
export const AUTOMATION_ROUTES: readonly BridgeRoute[] = [
  route({
    method: 'POST',
    path: '/api/v1/automations',
    tag: 'ubp',
    summary: 'Create an automation: an event type and condition, an optional delay, a webhook or mutation action',
    body: automationBody,
    response: automationSchema,
    successStatus: 201,
    operation: ({ body }) => ({
      document: `mutation RestCreateAutomation($input: CreateAutomationInput!) { createAutomation(input: $input) { ${AUTOMATION_FIELDS} } }`,
      variables: {
        input: {
          name: body.name,
          trigger: { eventType: body.event_type, condition: body.condition ?? null },
          delaySeconds: body.delay_seconds ?? 0,
          action: actionInput(body.action),
          enabled: body.enabled ?? true,
        },
      },
    }),
    result: ({ createAutomation }) => ok(automationOf(createAutomation), 201, 'Automation created'),
  }),
  route({
    method: 'GET',
    path: '/api/v1/automations',
    tag: 'ubp',
    summary: "The caller's automations, newest first",
    response: z.object({ total: z.number().int(), items: z.array(automationSchema) }),
    operation: () => ({ document: `query RestListAutomations { automations { ${AUTOMATION_FIELDS} } }`, variables: {} }),
    result: ({ automations }) => listOf(automations.map(automationOf)),
  }),
  route({
    method: 'GET',
    path: '/api/v1/automations/{id}',
    tag: 'ubp',
    summary: 'One of your automations',
    response: automationSchema,
    operation: ({ params }) => ({ document: `query RestAutomation($id: ID!) { automation(id: $id) { ${AUTOMATION_FIELDS} } }`, variables: { id: params['id'] } }),
    result: ({ automation }, { params }) =>
      automation ? ok(automationOf(automation)) : { kind: 'error', code: 'RESOURCE_NOT_FOUND', message: `Automation '${params['id']}' not found` },
  }),
  route({
    method: 'PUT',
    path: '/api/v1/automations/{id}',
    tag: 'ubp',
    summary: 'Change an automation; `enabled: true` restarts a disabled one, `false` stops it and cancels its pending runs',
    body: automationBody.partial(),
    response: automationSchema,
    // The trigger is one value: a condition alone would be dropped silently.
    operation: ({ params, body }) => {
      if (body.condition !== undefined && body.event_type === undefined) {
        return { kind: 'error', code: 'VALIDATION_ERROR', message: "Invalid 'condition': send 'event_type' with it (the trigger is replaced whole)" };
      }
      return {
        document: `mutation RestUpdateAutomation($id: ID!, $input: UpdateAutomationInput!) { updateAutomation(id: $id, input: $input) { ${AUTOMATION_FIELDS} } }`,
        variables: {
          id: params['id'],
          input: {
            name: body.name,
            ...(body.event_type === undefined ? {} : { trigger: { eventType: body.event_type, condition: body.condition ?? null } }),
            delaySeconds: body.delay_seconds,
            ...(body.action === undefined ? {} : { action: actionInput(body.action) }),
            enabled: body.enabled,
          },
        },
      };
    },
    result: ({ updateAutomation }) => ok(automationOf(updateAutomation), 200, 'Automation updated'),
  }),
  route({
    method: 'DELETE',
    path: '/api/v1/automations/{id}',
    tag: 'ubp',
    summary: 'Delete an automation with its history',
    response: z.object({ automation_id: z.string() }),
    operation: ({ params }) => ({ document: 'mutation RestDeleteAutomation($id: ID!) { deleteAutomation(id: $id) }', variables: { id: params['id'] } }),
    result: ({ deleteAutomation }) => ok({ automation_id: deleteAutomation }, 200, 'Automation deleted'),
  }),
  route({
    method: 'GET',
    path: '/api/v1/automations/{id}/runs',
    tag: 'ubp',
    summary: "An automation's execution history, newest first; `after` continues from `next_cursor`",
    query: z.object({
      status: z.enum(RUN_STATUSES).optional(),
      per_page: z.coerce.number().int().min(1).max(100).default(20),
      after: z.string().optional(),
    }),
    response: z.object({ total: z.number().int(), items: z.array(runSchema), next_cursor: z.string().nullable() }),
    operation: ({ params, query }) => ({
      document: `query RestAutomationRuns($id: ID!, $status: AutomationRunStatus, $first: Int, $after: String) { automationRuns(automationId: $id, status: $status, first: $first, after: $after) { nodes { ${RUN_FIELDS} } pageInfo { endCursor hasNextPage } } }`,
      variables: { id: params['id'], status: query.status ?? null, first: query.per_page, after: query.after ?? null },
    }),
    result: ({ automationRuns }) => ({
      ...listOf(automationRuns.nodes.map(runOf)),
      next_cursor: automationRuns.pageInfo.hasNextPage ? automationRuns.pageInfo.endCursor : null,
    }),
  }),
];
