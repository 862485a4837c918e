import { validationError } from '../errors/errors.ts';

/**
 * Which headers cross the proxy. Upstreams learn who is calling only from the
 * signed principal assertion, so the client's own credentials never travel on,
 * and connection-level headers belong to one hop (RFC 9110 section 7.6.1).
 */

export const REQUEST_ID_HEADER = 'x-request-id';
export const PRINCIPAL_HEADER = 'x-gateway-principal';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Never forwarded from the caller: credentials, and headers the client computes or the gateway owns. */
const WITHHELD_FROM_UPSTREAM = new Set([
  'authorization',
  'x-api-key',
  'cookie',
  'host',
  'content-length',
  'content-type',
  'expect',
  'x-internal-token',
  PRINCIPAL_HEADER,
  REQUEST_ID_HEADER,
]);

/**
 * Not returned: the body is parsed and re-serialised, so its length changes; and an
 * upstream must not plant cookies on the gateway's domain.
 */
const WITHHELD_FROM_CALLER = new Set(['content-length', 'set-cookie']);

/** The header names a `Connection` header lists (lower-cased): hop-by-hop too, by that listing. */
export function connectionTokens(value: string | readonly string[] | undefined): Set<string> {
  const text = typeof value === 'string' ? value : (value ?? []).join(',');
  return new Set(text.split(',').map((token) => token.trim().toLowerCase()).filter(Boolean));
}

/** Connection-level by definition (RFC 9110 section 7.6.1), `Proxy-*` included; `name` lower-cased. */
export const isHopByHop = (name: string): boolean => HOP_BY_HOP.has(name) || name.startsWith('proxy-');

/** The caller's extra headers, minus everything listed above and anything its `Connection` header names. */
export function forwardableRequestHeaders(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === undefined) return out;
  const lower = Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value] as const);
  const named = connectionTokens(lower.find(([name]) => name === 'connection')?.[1]);
  for (const [name, value] of lower) {
    if (isHopByHop(name) || WITHHELD_FROM_UPSTREAM.has(name) || named.has(name)) continue;
    out[name] = value;
  }
  return out;
}

/** Lower-cased response headers as single strings; repeated headers are joined as RFC 9110 allows. */
export function returnableResponseHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  const connection = headers['connection'];
  const named = connectionTokens(connection);
  for (const [rawName, value] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    if (value === undefined || isHopByHop(name) || WITHHELD_FROM_CALLER.has(name) || named.has(name)) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

// RFC 9110 field-name token, and a field value without CR, LF, NUL or other controls (HTAB is allowed).
const FIELD_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FIELD_VALUE_FORBIDDEN = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/**
 * Refuses header injection up front. Left to undici, a bad header would surface as
 * a network error and count against the upstream's circuit breaker.
 */
export function assertValidHeaders(headers: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(headers)) {
    if (!FIELD_NAME.test(name)) throw validationError(`Invalid header name '${name.slice(0, 64)}'`, 'headers');
    if (FIELD_VALUE_FORBIDDEN.test(value)) throw validationError(`Invalid value for header '${name}'`, 'headers');
  }
}
