import { GraphQLError } from 'graphql';
import { isTokenExpired } from '../../../core/errors/errors.ts';
import type { EdgePlugin } from '../../../core/http/edge-plugin.ts';
import { credentialsFrom, type Authenticator } from '../../identity/authenticate.ts';
import { expiredTokenLimit, type CredentialLimitOf } from '../../identity/credential-limits.ts';

export interface IdentityOptions {
  /** JWT or API key (cached), with revocation; see gateway/identity/. */
  readonly authenticate: Authenticator;
  /** Which principals may run a few operations only (REQUIRE_MFA enrolment owed). @default none */
  readonly limitOf?: CredentialLimitOf;
}

/**
 * Establishes who calls, once per request. A request that reaches here counts as an API call.
 * An expired but validly signed access token is not refused here: its holder is exactly who
 * refreshes, so it is admitted limited to `refreshToken` (the refresh still checks the token's
 * account against the refresh token's), and anything else answers the expiry.
 */
export function identityPlugin(options: IdentityOptions): EdgePlugin {
  return {
    name: 'identity',
    async onAdmit(exchange) {
      exchange.counted = true;
      const credentials = credentialsFrom(exchange.request.headers, exchange.url);
      try {
        try {
          exchange.principal = await options.authenticate(credentials);
          exchange.limit = options.limitOf?.(exchange.principal) ?? null;
        } catch (error) {
          if (!isTokenExpired(error)) throw error;
          exchange.principal = await options.authenticate(credentials, { acceptExpired: true });
          exchange.limit = expiredTokenLimit(error);
        }
        return null;
      } catch (error) {
        if (error instanceof GraphQLError) return error;
        throw error;
      }
    },
  };
}
