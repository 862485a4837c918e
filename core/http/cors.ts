import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EdgePlugin } from './edge-plugin.ts';

export interface CorsOptions {
  /** Exact origins allowed, from CORS_ORIGINS; `*` allows any origin (without credentials). */
  readonly origins: readonly string[];
  /** Allow any http://localhost:<port> / 127.0.0.1 origin (development). */
  readonly allowLocalhost: boolean;
  /** Request headers allowed beyond the defaults, from CORS_ALLOWED_HEADERS. @default [] */
  readonly extraAllowedHeaders?: readonly string[];
}

/**
 * What the browser clients this gateway serves send: our credentials and request id,
 * Apollo Client (its `clientAwareness` names, the operation name header of its
 * HTTP link, CSRF prevention's preflight header), Apollo Sandbox and GraphiQL
 * (the same, plus `Accept`). graphql-ws upgrades are not subject to preflight.
 */
export const DEFAULT_ALLOWED_HEADERS: readonly string[] = [
  'Authorization',
  'X-API-Key',
  'Content-Type',
  'Accept',
  'X-Request-ID',
  'Apollo-Require-Preflight',
  'apollographql-client-name',
  'apollographql-client-version',
  'X-Apollo-Operation-Name',
  'X-Apollo-Operation-Type',
];
const EXPOSED_HEADERS =
  'X-Request-ID, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, RateLimit-Policy, RateLimit, Retry-After';
const LOCALHOST = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

/**
 * CONTRACT.md section 8: origins come from configuration per environment. Returns
 * true when it answered a preflight, so the caller stops there.
 */
export function applyCors(request: IncomingMessage, response: ServerResponse, options: CorsOptions): boolean {
  const origin = request.headers.origin;
  response.setHeader('Vary', 'Origin');
  const allowed =
    origin !== undefined && (options.origins.includes(origin) || options.origins.includes('*') || (options.allowLocalhost && LOCALHOST.test(origin)));
  if (allowed) {
    const wildcard = options.origins.includes('*') && !options.origins.includes(origin);
    response.setHeader('Access-Control-Allow-Origin', wildcard ? '*' : origin);
    if (!wildcard) response.setHeader('Access-Control-Allow-Credentials', 'true');
    response.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
  }
  const preflight = request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
  if (!preflight) return false;
  if (allowed) {
    response.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS');
    response.setHeader('Access-Control-Allow-Headers', [...DEFAULT_ALLOWED_HEADERS, ...(options.extraAllowedHeaders ?? [])].join(', '));
    response.setHeader('Access-Control-Max-Age', '600');
  }
  response.statusCode = 204;
  response.end();
  return true;
}

/** Answers preflights itself (the request stops there) and marks allowed origins on every other response. */
export function corsPlugin(options: CorsOptions): EdgePlugin {
  return { name: 'cors', onRequest: (exchange) => applyCors(exchange.request, exchange.response, options) };
}
