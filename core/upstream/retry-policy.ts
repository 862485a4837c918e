/**
 * When a failed upstream call may be tried again, and how long to wait first.
 * Only idempotent methods are retried (RFC 9110 section 9.2.2): repeating a POST
 * or PATCH whose response was lost could charge a card or create a record twice.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

const IDEMPOTENT: ReadonlySet<HttpMethod> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** Gateway-ish statuses that say "try again", as opposed to a 500 that is likely to repeat. */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

export const isIdempotent = (method: HttpMethod): boolean => IDEMPOTENT.has(method);

export const isRetryableStatus = (status: number): boolean => RETRYABLE_STATUSES.has(status);

export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
  /** @default Math.random */
  readonly random?: () => number;
}

/**
 * Exponential backoff with "equal jitter": half the delay is fixed, half random, so
 * retries back off reliably but replicas that failed together do not retry in step.
 * `retry` is 1 for the first retry.
 */
export function backoffDelay(retry: number, options: BackoffOptions): number {
  const random = options.random ?? Math.random;
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** (retry - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}
