import { rateLimited, serviceUnavailable } from '../../core/errors/errors.ts';
import { RateLimitUnavailableError } from '../../core/rate-limit/outage-policy.ts';
import { LOGIN_ATTEMPT_LIMITS } from '../../schema/abuse-limits.ts';
import type { RateLimitStore } from '../../core/rate-limit/store.ts';

export interface LoginThrottleOptions {
  /** The platform's rate-limit store (memory, or Redis shared by every process). */
  readonly store: RateLimitStore;
  /** @default LOGIN_ATTEMPT_LIMITS */
  readonly limits?: typeof LOGIN_ATTEMPT_LIMITS;
}

export interface LoginThrottle {
  /** Counts one attempt; throws RATE_LIMIT_EXCEEDED once the account or the address is over its limit. */
  attempt(email: string, address: string | null): Promise<void>;
  /** The same limits for second-factor codes, counted apart from passwords: per account id and per address. */
  attemptCode(userId: string, address: string | null): Promise<void>;
}

/**
 * Every attempt counts, successful or not: the GCRA store has no "peek", and a
 * person logging in ten times in fifteen minutes is rare enough not to matter.
 */
export function loginThrottle(options: LoginThrottleOptions): LoginThrottle {
  const limits = options.limits ?? LOGIN_ATTEMPT_LIMITS;
  const count = async (purpose: 'login' | 'mfa', account: string, address: string | null, refusal: string): Promise<void> => {
    const checks = [options.store.consume(`${purpose}:account:${account}`, [limits.perAccount])];
    if (address) checks.push(options.store.consume(`${purpose}:address:${address}`, [limits.perAddress]));
    let decisions;
    try {
      decisions = await Promise.all(checks);
    } catch (error) {
      if (error instanceof RateLimitUnavailableError) throw serviceUnavailable('Login is temporarily unavailable');
      throw error;
    }
    const refused = decisions.find((decision) => !decision.allowed);
    if (refused) {
      throw rateLimited(Math.max(1, Math.ceil(refused.retryAfterMs / 1000)), refusal);
    }
  };
  return {
    attempt: (email, address) => count('login', email, address, 'Too many login attempts; try again later'),
    attemptCode: (userId, address) => count('mfa', userId, address, 'Too many verification codes; try again later'),
  };
}
