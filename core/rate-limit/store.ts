import type { RateWindow, WindowState } from './gcra.ts';

export type { RateWindow, WindowState } from './gcra.ts';

/** The outcome of one `consume`. */
export interface RateDecision {
  readonly allowed: boolean;
  /** One entry per window, in the order the windows were given. */
  readonly windows: readonly WindowState[];
  /** Milliseconds until the refused request would be admitted; 0 when allowed. */
  readonly retryAfterMs: number;
  /**
   * Set when the store could not be reached and the outage policy admitted the
   * request without counting it; the windows then describe a fresh state.
   */
  readonly degraded?: boolean;
}

/**
 * Where rate-limit state lives. Both implementations run the GCRA of `gcra.ts`:
 * `memoryRateLimitStore` for a single process, `redisRateLimitStore` for replicas
 * sharing one Redis.
 */
export interface RateLimitStore {
  /**
   * Admits `cost` requests for `key` only if every window has room, counting them
   * in every window; a refusal counts nothing. Throws a RangeError for invalid
   * windows or cost (see `assertValidRequest`).
   * @param cost @default 1
   */
  consume(key: string, windows: readonly RateWindow[], cost?: number): Promise<RateDecision>;
  close(): Promise<void>;
}
