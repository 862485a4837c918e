import { isWebhookEventType, type EventPayloads, type EventType } from './events.ts';

/** What the docs say of one event type, with a payload of its exact shape. */
export interface EventDoc<T extends EventType = EventType> {
  readonly description: string;
  /** A made-up payload of this type: what `/api/v1/events/trigger` sends as a test. */
  readonly samplePayload: EventPayloads[T];
}

const SAMPLE_ID = '00000000-0000-4000-8000-000000000000';
const SAMPLE_TRAINING = { jobId: SAMPLE_ID, step: 40, message: 'sample', modelId: null } as const;

/** One row per event type: `satisfies` fails the build when the catalog gains a type without docs. */
export const EVENT_DOCS = {
  'api_key.created': { description: 'An API key was created (or issued by a rotation).', samplePayload: { keyId: SAMPLE_ID, name: 'sample key', tier: 'free' } },
  'api_key.revoked': { description: 'An API key was revoked; it is refused from now on.', samplePayload: { keyId: SAMPLE_ID } },
  'api_key.updated': { description: "An API key's limits or scopes changed.", samplePayload: { keyId: SAMPLE_ID } },
  'user.tier_changed': { description: "An admin changed a user's tier.", samplePayload: { userId: SAMPLE_ID, tier: 'pro' } },
  'token.revoked': { description: 'A signed-in session ended (logout); its token is refused from now on.', samplePayload: { tokenId: SAMPLE_ID, expiresAt: 0 } },
  'module.status_changed': { description: "A module upstream's probe changed its status.", samplePayload: { slug: 'code-sandbox', status: 'down', previous: 'up' } },
  'training.progress': { description: 'A training job reported progress.', samplePayload: { ...SAMPLE_TRAINING, status: 'running', progress: 0.4 } },
  'training.completed': { description: 'A training job finished and produced a model.', samplePayload: { ...SAMPLE_TRAINING, status: 'completed', progress: 1 } },
  'training.failed': { description: 'A training job failed.', samplePayload: { ...SAMPLE_TRAINING, status: 'failed', progress: 0.4 } },
  'usage.threshold_crossed': {
    description: "A principal's requests crossed 80% or 100% of a rate-limit window.",
    samplePayload: { principal: `user:${SAMPLE_ID}`, keyId: null, window: 'hour', threshold: 80, limit: 100, remaining: 20, resetAt: '2025-01-01T00:00:00.000Z' },
  },
  'webhook.test': { description: 'A test event, sent on request to check a receiver.', samplePayload: { endpointId: SAMPLE_ID, message: 'This is a test event from the gateway' } },
  'webhook.delivery_attempted': {
    description: 'One HTTP attempt of a webhook delivery finished.',
    samplePayload: {
      deliveryId: SAMPLE_ID,
      endpointId: SAMPLE_ID,
      webhookId: SAMPLE_ID,
      eventType: 'webhook.test',
      attemptNumber: 1,
      outcome: 'succeeded',
      responseStatus: 200,
      durationMs: 12,
      error: null,
      nextAttemptAt: null,
    },
  },
  'webhook.endpoint_disabled': {
    description: 'A webhook endpoint stopped receiving: it answered 410 Gone, or failed for too long.',
    samplePayload: { endpointId: SAMPLE_ID, url: 'https://example.com/hooks', reason: 'failing since 2025-01-01T00:00:00.000Z' },
  },
  'automation.disabled': {
    description: "An automation was disabled after its runs failed persistently; its owner enables it again once the action is fixed.",
    samplePayload: { automationId: SAMPLE_ID, name: 'sample automation', reason: '3 runs in a row failed' },
  },
  'bulk.operation_updated': {
    description: 'A bulk import or export changed status or made progress (webhooks receive the status changes; subscriptions every step).',
    samplePayload: {
      operationId: SAMPLE_ID,
      kind: 'import',
      status: 'running',
      sequence: 3,
      totalRows: 1000,
      invalidRows: 2,
      succeededRows: 400,
      failedRows: 1,
      cancelledRows: 0,
      error: null,
    },
  },
} as const satisfies { readonly [T in EventType]: EventDoc<T> };

/** The catalog as the docs routes list it, in the order of the event types. */
export function eventCatalog(): readonly { type: EventType; description: string; webhookDeliverable: boolean; samplePayload: unknown }[] {
  return (Object.keys(EVENT_DOCS) as EventType[]).map((type) => ({
    type,
    description: EVENT_DOCS[type].description,
    webhookDeliverable: isWebhookEventType(type),
    samplePayload: EVENT_DOCS[type].samplePayload,
  }));
}
