import { GraphQLError } from 'graphql';
import type { EdgePlugin } from '../../../core/http/edge-plugin.ts';
import { credentialsFrom, type Authenticator } from '../../identity/authenticate.ts';

export interface IdentityOptions {
  /** JWT or API key (cached), with revocation; see gateway/identity/. */
  readonly authenticate: Authenticator;
}

/** Establishes who calls, once per request. A request that reaches here counts as an API call. */
export function identityPlugin(options: IdentityOptions): EdgePlugin {
  return {
    name: 'identity',
    async onAdmit(exchange) {
      exchange.counted = true;
      try {
        exchange.principal = await options.authenticate(credentialsFrom(exchange.request.headers, exchange.url));
        return null;
      } catch (error) {
        if (error instanceof GraphQLError) return error;
        throw error;
      }
    },
  };
}
