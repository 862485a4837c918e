import type { WindowState } from '../../core/rate-limit/gcra.ts';
import type { RateDecision } from '../../core/rate-limit/store.ts';

export interface RateLimitHeaderOptions {
  /**
   * The gateway's clock in milliseconds, for `X-RateLimit-Reset`. Stores report
   * durations rather than instants, so a Redis clock skewed against this one
   * does not shift the reset a client sees.
   * @default Date.now()
   */
  readonly nowMs?: number;
}

/** The window a client hits first: fewest remaining; on a tie, the longer window. */
export function mostRestrictiveWindow(windows: readonly WindowState[]): WindowState {
  const [first, ...rest] = windows;
  if (first === undefined) throw new RangeError('rate limit: a decision has at least one window');
  return rest.reduce(
    (worst, w) =>
      w.remaining < worst.remaining || (w.remaining === worst.remaining && w.windowMs > worst.windowMs) ? w : worst,
    first,
  );
}

/** Whole seconds, rounded up: a client waiting that long is never early. */
const seconds = (ms: number): number => Math.ceil(ms / 1000);

/** A structured-field string (RFC 8941), as the IETF draft's policy names are. */
const sfString = (name: string): string => `"${name.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

/**
 * The response headers of CONTRACT.md section 3 for one decision: the de-facto
 * `X-RateLimit-*` trio, the IETF draft (draft-ietf-httpapi-ratelimit-headers)
 * `RateLimit-Policy` / `RateLimit` fields, and `Retry-After` on refusal.
 */
export function rateLimitHeaders(decision: RateDecision, options: RateLimitHeaderOptions = {}): Record<string, string> {
  const nowMs = options.nowMs ?? Date.now();
  const worst = mostRestrictiveWindow(decision.windows);
  const headers: Record<string, string> = {
    'X-RateLimit-Limit': String(worst.limit),
    'X-RateLimit-Remaining': String(worst.remaining),
    'X-RateLimit-Reset': String(seconds(nowMs + worst.resetMs)),
    // The draft's w is an integer number of seconds; sub-second windows round up to 1.
    'RateLimit-Policy': decision.windows
      .map((w) => `${sfString(w.name)};q=${w.limit};w=${Math.max(1, seconds(w.windowMs))}`)
      .join(', '),
    RateLimit: `${sfString(worst.name)};r=${worst.remaining};t=${seconds(worst.resetMs)}`,
  };
  if (!decision.allowed) headers['Retry-After'] = String(Math.max(1, seconds(decision.retryAfterMs)));
  return headers;
}
