import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import { contractCodeOf } from '../../core/errors/errors.ts';
import { closeCodeOf } from '../../core/errors/error-codes.ts';
import { unauthenticated } from '../../core/errors/errors.ts';
import type { Principal } from '../../core/identity/principal.ts';
import { credentialsFrom, type Authenticator, type Credentials } from '../identity/authenticate.ts';
import type { RateLimitVerdict } from '../http/rate-limit-step.ts';
import type { CredentialLimitOf } from '../identity/credential-limits.ts';
import type { ConnectionRegistry, LiveConnection } from './connection-registry.ts';

export interface ConnectionAdmissionOptions {
  readonly authenticate: Authenticator;
  readonly rateLimit: (principal: Principal | null, address: string) => Promise<RateLimitVerdict>;
  readonly registry: ConnectionRegistry;
  /** Principals whose credential runs a few operations only (REQUIRE_MFA enrolment owed): none of them is a WebSocket. @default none */
  readonly limitOf?: CredentialLimitOf;
}

export type Admission = { readonly principal: Principal; readonly release: () => void } | { readonly refusal: GraphQLError };

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * Credentials of a WebSocket connection: the `connection_init` payload first
 * (`authorization: "Bearer …"`, `token`, `apiKey`/`api_key`/`x-api-key`), since
 * browsers cannot set headers on an upgrade; otherwise the upgrade request's own
 * headers and `?api_key=`/`?token=`.
 */
export function connectionCredentials(payload: Readonly<Record<string, unknown>> | undefined, request: IncomingMessage, url: URL): Credentials {
  const token = text(payload?.['token']) ?? text(url.searchParams.get('token'));
  const authorization = text(payload?.['authorization']) ?? text(payload?.['Authorization']) ?? (token ? `Bearer ${token}` : undefined);
  const apiKey = text(payload?.['apiKey']) ?? text(payload?.['api_key']) ?? text(payload?.['x-api-key']) ?? text(payload?.['X-API-Key']);
  if (authorization || apiKey) return { authorization, apiKey };
  return credentialsFrom(request.headers, url);
}

/**
 * The edge pipeline for a connection: identity (required), one counted request
 * against the principal's limits, then the per-principal connection cap.
 */
export async function admitConnection(
  options: ConnectionAdmissionOptions,
  credentials: Credentials,
  address: string,
  connection: (principal: Principal) => LiveConnection,
): Promise<Admission> {
  let principal: Principal | null;
  try {
    principal = await options.authenticate(credentials);
  } catch (error) {
    if (error instanceof GraphQLError) return { refusal: error };
    throw error;
  }
  if (!principal) return { refusal: unauthenticated('Subscriptions need a JWT or an API key in connection_init or the upgrade headers') };
  const limit = options.limitOf?.(principal);
  if (limit) return { refusal: limit.refusal() };
  const verdict = await options.rateLimit(principal, address);
  if (verdict.refusal) return { refusal: verdict.refusal };
  const admitted = options.registry.admit(connection(principal));
  if (admitted instanceof GraphQLError) return { refusal: admitted };
  return { principal, release: admitted };
}

/** The close code and reason (at most 123 bytes, as RFC 6455 allows) a refusal ends a connection with. */
export function closeFrameOf(error: GraphQLError): [number, string] {
  const code = closeCodeOf(contractCodeOf(error) ?? 'INTERNAL_ERROR');
  return [code, Buffer.from(error.message).subarray(0, 123).toString('utf8').replace(/\uFFFD$/, '')];
}
