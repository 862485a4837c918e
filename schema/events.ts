import type { Tier } from './tiers.ts';

/**
 * The event catalog (CONTRACT.md section 6). Payloads never carry secrets: no
 * key material, no hashes, no tokens.
 */
export interface EventPayloads {
  'api_key.created': { keyId: string; name: string; tier: Tier };
  'api_key.revoked': { keyId: string };
  /** Limits or scopes changed; caches must reload the key. */
  'api_key.updated': { keyId: string };
  'user.tier_changed': { userId: string; tier: Tier };
  'token.revoked': { tokenId: string; expiresAt: number };
  'module.status_changed': { slug: string; status: 'up' | 'down' | 'unconfigured'; previous: 'up' | 'down' | 'unconfigured' };
  'training.progress': TrainingEventPayload;
  'training.completed': TrainingEventPayload;
  'training.failed': TrainingEventPayload;
  /** Sent on request to one endpoint, to check the receiver. */
  'webhook.test': { endpointId: string; message: string };
  /** One HTTP attempt of a webhook delivery finished (feeds the `webhookDelivery` subscription). */
  'webhook.delivery_attempted': WebhookAttemptPayload;
  /** An endpoint stopped receiving: it answered 410 Gone, or failed for too long. */
  'webhook.endpoint_disabled': { endpointId: string; url: string; reason: string };
  /** Published by the edge's rate-limit step once per crossing, not per request. */
  'usage.threshold_crossed': UsageThresholdPayload;
  /** An automation stopped running: its runs failed persistently. */
  'automation.disabled': { automationId: string; name: string; reason: string };
  /** A bulk import or export changed state or made progress (feeds `bulkOperationUpdated`). */
  'bulk.operation_updated': BulkOperationPayload;
}

/** A bulk job's counters after a change; `sequence` grows by one per change of one job. */
export interface BulkOperationPayload {
  operationId: string;
  kind: 'import' | 'export';
  status: 'receiving' | 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
  sequence: number;
  totalRows: number;
  invalidRows: number;
  succeededRows: number;
  failedRows: number;
  cancelledRows: number;
  error: string | null;
}

export const USAGE_THRESHOLDS = [80, 100] as const;

export interface UsageThresholdPayload {
  /** `user:<id>` or `key:<id>`, the rate-limit subject. */
  principal: string;
  keyId: string | null;
  window: 'minute' | 'hour';
  threshold: (typeof USAGE_THRESHOLDS)[number];
  limit: number;
  remaining: number;
  /** ISO time when the window is back to full capacity. */
  resetAt: string;
}

/** A training job's state after an upstream report (agent-forge subgraph). */
export interface TrainingEventPayload {
  jobId: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  /** 0 to 1. */
  progress: number;
  step: number | null;
  message: string | null;
  modelId: string | null;
}

export interface WebhookAttemptPayload {
  deliveryId: string;
  endpointId: string;
  /** The `webhook-id` header: the message's id, the same on every retry. */
  webhookId: string;
  eventType: string;
  attemptNumber: number;
  /** `succeeded`; `retrying` (another attempt is scheduled); `failed` (no more attempts). */
  outcome: 'succeeded' | 'retrying' | 'failed';
  responseStatus: number | null;
  durationMs: number;
  error: string | null;
  nextAttemptAt: string | null;
}

export type EventType = keyof EventPayloads;

export const EVENT_TYPES = [
  'api_key.created',
  'api_key.revoked',
  'api_key.updated',
  'user.tier_changed',
  'token.revoked',
  'module.status_changed',
  'training.progress',
  'training.completed',
  'training.failed',
  'usage.threshold_crossed',
  'webhook.test',
  'webhook.delivery_attempted',
  'webhook.endpoint_disabled',
  'automation.disabled',
  'bulk.operation_updated',
] as const satisfies readonly EventType[];

/**
 * The events an endpoint may subscribe to: those written to the webhook outbox.
 * Delivery attempts are left out so a failing endpoint cannot feed itself; token
 * revocations concern the edge only; module status changes are seen by every
 * probing replica at once and have no single writer for the outbox yet.
 */
export const WEBHOOK_EVENT_TYPES = [
  'api_key.created',
  'api_key.revoked',
  'api_key.updated',
  'user.tier_changed',
  'webhook.test',
  'webhook.endpoint_disabled',
  'automation.disabled',
  'bulk.operation_updated',
] as const satisfies readonly EventType[];

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export function isWebhookEventType(value: string): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}

/**
 * The events an automation may be triggered by: those written to the outbox in
 * the transaction of their change (so a trigger is never lost), test events aside
 * (a sample payload must not run a real action).
 */
export const AUTOMATION_TRIGGER_EVENT_TYPES = WEBHOOK_EVENT_TYPES.filter(
  (type): type is Exclude<WebhookEventType, 'webhook.test'> => type !== 'webhook.test',
);

export function isAutomationTriggerEventType(value: string): value is (typeof AUTOMATION_TRIGGER_EVENT_TYPES)[number] {
  return (AUTOMATION_TRIGGER_EVENT_TYPES as readonly string[]).includes(value);
}

/**
 * The loop guard: how many automations may lie between a client's change and an
 * event. An event caused by a chain this long triggers no further automation.
 */
export const MAX_AUTOMATION_CHAIN = 4;

export interface PlatformEvent<T extends EventType = EventType> {
  readonly id: string;
  readonly type: T;
  /** The user the event belongs to; subscribers see only their own (admins all). */
  readonly ownerId: string | null;
  readonly occurredAt: string;
  readonly payload: EventPayloads[T];
  /**
   * The automations whose actions led to this event, oldest first (absent or empty:
   * a client's own change). The loop guard refuses to run an automation already in it.
   */
  readonly causedBy?: readonly string[];
}

export type AnyPlatformEvent = { [T in EventType]: PlatformEvent<T> }[EventType];
