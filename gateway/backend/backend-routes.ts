/**
 * Seed 004's "all other endpoints are proxied to your Go backend": path prefixes
 * (BACKEND_ROUTES) that no REST-bridge route claims, each passed through to a backend.
 */

export interface BackendRoute {
  /** Names the backend in 503 messages, health, metrics and the principal assertion's audience. @default the prefix */
  readonly name: string;
  /** `/api/v1` for `/api/v1/*`; '' for `/*` (everything no other route claims). */
  readonly prefix: string;
  /** http(s) URL; the whole request path is appended to its path. */
  readonly url: string;
  /** The longest the backend may stay silent: before its response headers, and between body chunks. */
  readonly timeoutMs: number;
  /** Extra attempts for idempotent requests without a body. */
  readonly retries: number;
  /** 'required': anonymous callers get a 401; 'optional': they pass, without a principal header. */
  readonly auth: 'required' | 'optional';
  /** The largest request body passed on (BACKEND_MAX_BODY_BYTES, or the route's `max_body`); larger is a 413. */
  readonly maxBodyBytes: number;
}

export interface BackendWebSocket {
  /** The gateway path clients connect to, e.g. `/ws/backend`. */
  readonly path: string;
  /** ws(s) URL of the backend's WebSocket endpoint. */
  readonly url: string;
  /** Deadline for the backend's handshake. */
  readonly timeoutMs: number;
  /** Largest message accepted in either direction. */
  readonly maxPayloadBytes: number;
}

export interface BackendConfig {
  readonly routes: readonly BackendRoute[];
  readonly webSocket: BackendWebSocket | null;
}

/** The route whose prefix is the longest one containing the path at a segment boundary. */
export function matchBackendRoute<T extends { readonly prefix: string }>(routes: readonly T[], pathname: string): T | undefined {
  let best: T | undefined;
  for (const route of routes) {
    const inside = route.prefix === '' || pathname === route.prefix || pathname.startsWith(`${route.prefix}/`);
    if (inside && (best === undefined || route.prefix.length > best.prefix.length)) best = route;
  }
  return best;
}

/** The route's pattern, as metrics and usage records name it. */
export const routePattern = (prefix: string): string => `${prefix}/*`;

/**
 * Path and query as the backend gets them: the gateway's normalised path (no dot
 * segments survive URL parsing) under the backend's base path, and the query
 * without `api_key`, which is the gateway's credential, not the backend's input.
 */
export function backendPath(basePath: string, url: URL): string {
  let search = url.search;
  if (url.searchParams.has('api_key')) {
    const params = new URLSearchParams(url.searchParams);
    params.delete('api_key');
    const rest = params.toString();
    search = rest === '' ? '' : `?${rest}`;
  }
  return `${basePath}${url.pathname}${search}`;
}
