import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { GraphQLError } from 'graphql';
import { validationError } from '../../core/errors/errors.ts';
import { forwardedChain, peerIsTrusted, type TrustProxy } from '../../core/http/trusted-proxies.ts';
import { connectionTokens, isHopByHop, PRINCIPAL_HEADER, REQUEST_ID_HEADER } from '../../core/upstream/forwarded-headers.ts';
import { INTERNAL_TOKEN_HEADER } from '../../core/identity/internal-token.ts';

/**
 * Which headers cross the backend proxy, each way. Connection-level headers
 * belong to one hop (RFC 9110 section 7.6.1); the gateway's credentials and the
 * headers it sets itself never come from the caller; cookies are not passed
 * either way, as for the module upstreams: the backend learns who calls from
 * the signed principal header alone.
 */

/** Never taken from the caller: credentials, and what the gateway sets or undici computes. */
const WITHHELD_FROM_BACKEND = new Set([
  'authorization',
  'x-api-key',
  'cookie',
  'host',
  'expect',
  'forwarded',
  'x-real-ip',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  INTERNAL_TOKEN_HEADER.toLowerCase(),
  PRINCIPAL_HEADER,
  REQUEST_ID_HEADER,
]);

/**
 * A `Connection` header naming one of these would have the gateway drop a header
 * it frames the body by or vouches for (the classic hop-by-hop abuse: listing
 * X-Forwarded-For to strip what a proxy added). Such a request is refused.
 */
const MUST_NOT_BE_LISTED = new Set(['content-length', 'content-type', 'host', 'authorization', 'x-api-key', ...WITHHELD_FROM_BACKEND]);

/** Not returned to the caller: an upstream must not plant cookies on the gateway's domain. */
const WITHHELD_FROM_CALLER = new Set(['set-cookie']);

const first = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim();

/** A refusal when the caller's `Connection` header lists a header the gateway depends on; null otherwise. */
export function connectionHeaderAbuse(headers: IncomingHttpHeaders): GraphQLError | null {
  for (const token of connectionTokens(headers.connection)) {
    if (MUST_NOT_BE_LISTED.has(token)) return validationError(`The Connection header must not list '${token}'`, 'connection');
  }
  return null;
}

export interface BackendRequestHeadersOptions {
  readonly trustProxy: TrustProxy;
  readonly requestId: string;
  /** The signed principal assertion; absent for an anonymous caller. */
  readonly principal?: string;
}

/** The caller's end-to-end headers, then what the gateway vouches for: X-Forwarded-*, the request id, the principal. */
export function backendRequestHeaders(request: IncomingMessage, options: BackendRequestHeadersOptions): Record<string, string | string[]> {
  const listed = connectionTokens(request.headers.connection);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || isHopByHop(name) || listed.has(name) || WITHHELD_FROM_BACKEND.has(name)) continue;
    out[name] = value;
  }
  const peer = request.socket.remoteAddress ?? 'unknown';
  const trusted = peerIsTrusted(peer, options.trustProxy);
  const forwardedFor = (Array.isArray(request.headers['x-forwarded-for']) ? request.headers['x-forwarded-for'].join(',') : (request.headers['x-forwarded-for'] ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  out['x-forwarded-for'] = forwardedChain(peer, forwardedFor, options.trustProxy).join(', ');
  const encrypted = 'encrypted' in request.socket && request.socket.encrypted === true;
  out['x-forwarded-proto'] = (trusted ? first(request.headers['x-forwarded-proto']) : undefined) ?? (encrypted ? 'https' : 'http');
  const host = (trusted ? first(request.headers['x-forwarded-host']) : undefined) ?? request.headers.host;
  if (host) out['x-forwarded-host'] = host;
  out[REQUEST_ID_HEADER] = options.requestId;
  if (options.principal) out[PRINCIPAL_HEADER] = options.principal;
  return out;
}

/**
 * The backend's end-to-end headers for the caller, minus those the gateway has
 * already set on this answer (request id, rate limits, security headers, CORS):
 * the gateway's own say wins.
 */
export function callerResponseHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  alreadySet: (name: string) => boolean,
): OutgoingHttpHeaders {
  const listed = connectionTokens(headers['connection']);
  const out: OutgoingHttpHeaders = {};
  for (const [rawName, value] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    if (value === undefined || isHopByHop(name) || listed.has(name) || WITHHELD_FROM_CALLER.has(name) || alreadySet(name)) continue;
    out[name] = value;
  }
  return out;
}
