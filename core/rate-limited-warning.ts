import type { Logger } from './logger.ts';

export interface RateLimitedWarningOptions {
  readonly logger: Logger;
  readonly message: string;
  /** At most one line per this window; the repeats are counted into the next. @default 10000 */
  readonly windowMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * A warning that may fire on every request during an outage (fail-open rate
 * limits) is written at most once per window, the next line saying how many
 * were folded into it, so an outage cannot flood the log.
 */
export function rateLimitedWarning(options: RateLimitedWarningOptions): (details: Record<string, unknown>) => void {
  const windowMs = options.windowMs ?? 10_000;
  const now = options.now ?? Date.now;
  let lastWrittenAt = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  return (details) => {
    const at = now();
    if (at - lastWrittenAt < windowMs) {
      suppressed += 1;
      return;
    }
    options.logger.warn({ ...details, ...(suppressed > 0 ? { repeated: suppressed, sinceMs: at - lastWrittenAt } : {}) }, options.message);
    lastWrittenAt = at;
    suppressed = 0;
  };
}
