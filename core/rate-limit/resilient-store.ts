import { assertValidRequest, type RateWindow } from './gcra.ts';
import { DEFAULT_OUTAGE_POLICY, degradedDecision, RateLimitUnavailableError, type OutagePolicy } from './outage-policy.ts';
import type { RateDecision, RateLimitStore } from './store.ts';

export interface RateLimitOutageContext {
  readonly key: string;
  readonly policy: OutagePolicy;
}

export interface ResilientStoreOptions {
  /**
   * See `OutagePolicy` for why the default admits.
   * @default 'fail-open'
   */
  readonly policy?: OutagePolicy;
  /**
   * Milliseconds a decision may take before it counts as an outage. A decision
   * that times out may still be applied by the store later.
   * @default 250
   */
  readonly timeoutMs?: number;
  /**
   * Told of every failed or timed-out decision, e.g. to log a warning. Called
   * once per request, so a caller logging at high volume may want to sample.
   * @default no-op
   */
  readonly onError?: (error: unknown, context: RateLimitOutageContext) => void;
}

export interface RateLimitOutageStats {
  /** Decisions the inner store failed or timed out on. */
  readonly failures: number;
  /** Of those, requests admitted uncounted under `fail-open`. */
  readonly degradedAdmissions: number;
}

export interface ResilientRateLimitStore extends RateLimitStore {
  stats(): RateLimitOutageStats;
}

export class RateLimitTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`rate limit decision took longer than ${timeoutMs} ms`);
    this.name = 'RateLimitTimeoutError';
  }
}

/**
 * Wraps a store so its outages follow a policy instead of failing requests with
 * an internal error. It keeps no connection state: once the inner store answers
 * again (ioredis reconnects by itself), the next decision is counted as usual.
 */
export function resilientStore(inner: RateLimitStore, options: ResilientStoreOptions = {}): ResilientRateLimitStore {
  const policy = options.policy ?? DEFAULT_OUTAGE_POLICY;
  const timeoutMs = options.timeoutMs ?? 250;
  const onError = options.onError ?? (() => {});
  let failures = 0;
  let degradedAdmissions = 0;

  return {
    async consume(key: string, windows: readonly RateWindow[], cost = 1): Promise<RateDecision> {
      // A caller's mistake is not an outage: let it surface as such.
      assertValidRequest(windows, cost);
      try {
        return await withTimeout(inner.consume(key, windows, cost), timeoutMs);
      } catch (error) {
        failures += 1;
        onError(error, { key, policy });
        switch (policy) {
          case 'fail-open':
            degradedAdmissions += 1;
            return degradedDecision(windows, cost, Date.now());
          case 'fail-closed':
            throw new RateLimitUnavailableError(error);
          default: {
            const unknownPolicy: never = policy;
            throw new RangeError(`rate limit: unknown outage policy ${String(unknownPolicy)}`);
          }
        }
      }
    },
    stats: () => ({ failures, degradedAdmissions }),
    close: () => inner.close(),
  };
}

async function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RateLimitTimeoutError(timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
