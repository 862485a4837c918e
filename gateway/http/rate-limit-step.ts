import type { GraphQLError } from 'graphql';
import { rateLimited, serviceUnavailable } from '../../core/errors/errors.ts';
import { principalId, type Principal } from '../../core/identity/principal.ts';
import { rateLimitHeaders } from '../rate-limit/headers.ts';
import type { RateLimitResolver } from '../../core/rate-limit/limits.ts';
import { RateLimitUnavailableError } from '../../core/rate-limit/outage-policy.ts';
import type { RateLimitStore } from '../../core/rate-limit/store.ts';
import type { UsageAlerts } from '../rate-limit/usage-alerts.ts';

export interface RateLimitStepOptions {
  /** Memory in embedded mode, Redis (wrapped by its outage policy) when distributed. */
  readonly store: RateLimitStore;
  readonly resolver: RateLimitResolver;
  /** Told of every counted decision of an identified principal; publishes 80%/100% crossings. */
  readonly usageAlerts?: UsageAlerts;
}

export interface RateLimitVerdict {
  readonly headers: Record<string, string>;
  /** Null when admitted; otherwise the error to answer with. */
  readonly refusal: GraphQLError | null;
}

/** Counts one request of a principal (or, anonymous, of an address); shared by HTTP and the sockets. */
export type RateLimitStep = (principal: Principal | null, address: string) => Promise<RateLimitVerdict>;

/**
 * Counts one client request against its principal's windows (minute and hour),
 * once, at the edge, before any execution. Anonymous callers are counted by
 * address at the free tier.
 */
export function rateLimitStep(options: RateLimitStepOptions): RateLimitStep {
  return async (principal, address) => {
    const key = principal ? principalId(principal) : `addr:${address}`;
    const windows = options.resolver.windowsFor(principal?.tier ?? 'free', principal?.kind === 'apiKey' ? principal.limits : null);
    let decision;
    try {
      decision = await options.store.consume(key, windows);
    } catch (error) {
      if (error instanceof RateLimitUnavailableError) {
        return { headers: {}, refusal: serviceUnavailable('Rate limiting is temporarily unavailable') };
      }
      throw error;
    }
    if (principal) options.usageAlerts?.(principal, decision);
    const headers = rateLimitHeaders(decision);
    if (decision.allowed) return { headers, refusal: null };
    return { headers, refusal: rateLimited(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))) };
  };
}
