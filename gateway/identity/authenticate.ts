import type { IncomingHttpHeaders } from 'node:http';
import { unauthenticated } from '../../core/errors/errors.ts';
import type { Principal } from '../../core/identity/principal.ts';
import type { AccessTokens } from '../../core/identity/access-tokens.ts';
import type { AccountStanding } from './account-standing.ts';
import type { ApiKeyVerifier } from './api-key-verifier.ts';
import type { TokenRevocations } from './token-revocations.ts';

export interface AuthenticatorOptions {
  readonly accessTokens: AccessTokens;
  readonly apiKeys: ApiKeyVerifier;
  readonly revocations: TokenRevocations;
  /** Absent with an external supergraph, whose accounts this gateway's database may not hold. */
  readonly standing?: AccountStanding | undefined;
}

export interface Credentials {
  readonly authorization?: string | undefined;
  readonly apiKey?: string | undefined;
}

/** Where credentials may come from: headers, or `?api_key=` for seed 004 clients. */
export function credentialsFrom(headers: IncomingHttpHeaders, url: URL): Credentials {
  const apiKeyHeader = headers['x-api-key'];
  return {
    authorization: headers.authorization,
    apiKey: (Array.isArray(apiKeyHeader) ? apiKeyHeader[0] : apiKeyHeader) ?? url.searchParams.get('api_key') ?? undefined,
  };
}

export interface AuthenticateOptions {
  /** Take a validly signed access token past its expiry (the edge limits it to a refresh). @default false */
  readonly acceptExpired?: boolean;
}

export type Authenticator = (credentials: Credentials, options?: AuthenticateOptions) => Promise<Principal | null>;

/**
 * Establishes who is calling, once, at the edge. No credentials means anonymous
 * (the subgraphs' rules decide what that may do); bad credentials are refused
 * outright rather than treated as anonymous.
 */
export function authenticator(options: AuthenticatorOptions): Authenticator {
  return async ({ authorization, apiKey }, { acceptExpired = false } = {}) => {
    if (authorization !== undefined && authorization !== '') {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
      if (!match?.[1]) throw unauthenticated('Authorization must be "Bearer <token>"');
      const claims = await options.accessTokens.verify(match[1], { acceptExpired });
      if (options.revocations.isRevoked(claims.tokenId)) throw unauthenticated('Token has been revoked');
      await options.standing?.check(claims);
      return { kind: 'user', ...claims };
    }
    if (apiKey !== undefined && apiKey !== '') return options.apiKeys.verify(apiKey.trim());
    return null;
  };
}
