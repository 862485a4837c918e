import type { ErrorCode } from '../errors/error-codes.ts';
import { gcraDecide, type RateWindow } from './gcra.ts';
import type { RateDecision } from './store.ts';

/**
 * What to do with a request when the rate-limit store cannot answer.
 *
 * The default is `fail-open`: the limiter protects upstreams from excess load,
 * while an outage of Redis alone says nothing about abuse. Refusing every request
 * would turn a cache outage into a full gateway outage for all clients, the very
 * thing limiting exists to prevent. Authentication still runs, the outage is
 * reported through `onError` and counted, and a deployment that must never exceed
 * a contractual quota can choose `fail-closed`.
 */
export type OutagePolicy = 'fail-open' | 'fail-closed';

export const DEFAULT_OUTAGE_POLICY: OutagePolicy = 'fail-open';

/** Thrown under `fail-closed`; the edge answers 503 SERVICE_UNAVAILABLE. */
export class RateLimitUnavailableError extends Error {
  readonly code = 'SERVICE_UNAVAILABLE' satisfies ErrorCode;

  constructor(cause: unknown) {
    super('Rate limiting is temporarily unavailable', { cause });
    this.name = 'RateLimitUnavailableError';
  }
}

/**
 * The decision `fail-open` returns: admitted, flagged degraded, and describing a
 * fresh state since the real count is unknown, so headers stay well formed.
 */
export function degradedDecision(windows: readonly RateWindow[], cost: number, nowMs: number): RateDecision {
  const fresh = gcraDecide(windows, [], nowMs, cost);
  return { allowed: true, windows: fresh.windows, retryAfterMs: 0, degraded: true };
}
