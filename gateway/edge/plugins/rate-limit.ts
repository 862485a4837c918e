import { contractCodeOf } from '../../../core/errors/errors.ts';
import { clientAddress } from '../../../core/http/client-address.ts';
import type { EdgePlugin } from '../../../core/http/edge-plugin.ts';
import type { TrustProxy } from '../../../core/http/trusted-proxies.ts';
import type { Tier } from '../../../schema/tiers.ts';
import type { RateLimitStep } from '../../http/rate-limit-step.ts';

export interface RateLimitPluginOptions {
  /** Counts the request once for its principal (or address); see rate-limit-step.ts. */
  readonly rateLimit: RateLimitStep;
  /** Which X-Forwarded-For hops are our proxies. */
  readonly trustProxy: TrustProxy;
  /** Told of each refusal by the limiter itself. */
  readonly onRejected?: (tier: Tier | 'anonymous') => void;
}

/** Counts every admitted call against its limits and sets the rate-limit headers on the answer. */
export function rateLimitPlugin(options: RateLimitPluginOptions): EdgePlugin {
  return {
    name: 'rate-limit',
    async onAdmit(exchange) {
      const verdict = await options.rateLimit(exchange.principal, clientAddress(exchange.request, options.trustProxy));
      for (const [name, value] of Object.entries(verdict.headers)) exchange.response.setHeader(name, value);
      // Counted here, not from 429 statuses: an upstream's own 429 is not our limiter's refusal.
      if (verdict.refusal && contractCodeOf(verdict.refusal) === 'RATE_LIMIT_EXCEEDED') options.onRejected?.(exchange.principal?.tier ?? 'anonymous');
      return verdict.refusal;
    },
  };
}
