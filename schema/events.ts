import type { Tier } from './tiers.ts';

/**
 * The event catalog (CONTRACT.md section 6). Payloads never carry secrets: no
 * key material, no hashes, no tokens. Later issues add webhook events here.
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
  /** Published by the edge's rate-limit step once per crossing, not per request. */
  'usage.threshold_crossed': UsageThresholdPayload;
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

export type EventType = keyof EventPayloads;

export const EVENT_TYPES = ['api_key.created', 'api_key.revoked', 'api_key.updated', 'user.tier_changed', 'token.revoked', 'module.status_changed', 'training.progress', 'training.completed', 'training.failed', 'usage.threshold_crossed'] as const satisfies readonly EventType[];

export interface PlatformEvent<T extends EventType = EventType> {
  readonly id: string;
  readonly type: T;
  /** The user the event belongs to; subscribers see only their own (admins all). */
  readonly ownerId: string | null;
  readonly occurredAt: string;
  readonly payload: EventPayloads[T];
}

export type AnyPlatformEvent = { [T in EventType]: PlatformEvent<T> }[EventType];
