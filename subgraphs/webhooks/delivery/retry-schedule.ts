/**
 * When a delivery is attempted. `schedule[0]` is the delay before the first
 * attempt, `schedule[n]` the delay after the n-th failure; its length is the
 * number of attempts. Svix's schedule is the default.
 */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [
  0,
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
];

/** Each delay moves by up to this fraction either way, so retries of a burst do not arrive together. */
const JITTER = 0.2;
/** A Retry-After is honoured up to this; beyond it the receiver is treated as down. */
const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

/**
 * The delay before the attempt after `failedAttempt` (1-based), or null when the
 * schedule is exhausted. A Retry-After never shortens the wait, only lengthens it.
 */
export function delayAfterFailure(
  schedule: readonly number[],
  failedAttempt: number,
  retryAfterMs: number | null,
  random: () => number = Math.random,
): number | null {
  const scheduled = schedule[failedAttempt];
  if (scheduled === undefined) return null;
  const jittered = Math.round(scheduled * (1 - JITTER + 2 * JITTER * random()));
  return retryAfterMs === null ? jittered : Math.max(jittered, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds from `now`; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | null {
  if (value === undefined || value.trim() === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1_000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
