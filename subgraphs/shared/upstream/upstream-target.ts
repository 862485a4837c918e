import { validationError } from '../../../core/errors/errors.ts';

/**
 * Where a proxied call goes. The origin comes from configuration only; the caller
 * (ultimately a client, via `/modules/{name}/{path...}`) supplies no more than a
 * path below the configured base path, so it can never steer the gateway to
 * another host (SSRF) or out of the upstream's base path.
 */

export interface UpstreamBase {
  /** `scheme://host[:port]`, as undici wants it. */
  readonly origin: string;
  /** The configured path prefix without a trailing slash ('' for the root). */
  readonly basePath: string;
}

export type QueryParams = Readonly<Record<string, string | readonly string[]>>;

/** Parses a configured base URL; a bad one is a configuration bug, so this throws a plain Error at start-up. */
export function parseUpstreamBase(name: string, baseUrl: string): UpstreamBase {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`Upstream '${name}': base URL '${baseUrl}' is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`Upstream '${name}': base URL must be http or https, got '${url.protocol}'`);
  }
  if (url.username || url.password || url.search || url.hash) {
    // Credentials in a URL leak into logs; a fixed query would silently merge with the caller's.
    throw new Error(`Upstream '${name}': base URL must not carry credentials, a query or a fragment`);
  }
  return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, '') };
}

// C0 controls, DEL and C1 controls: header/request-line injection and parser confusion.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// `http:`, `javascript:`, `c:` ...: anything a URL parser would take as a scheme.
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

const refuse = (reason: string): never => {
  throw validationError(`Invalid upstream path: ${reason}`, 'path');
};

/** The path and query as sent on the request line, e.g. `/api/v1/items/a%20b?x=1`. */
export function resolveUpstreamPath(base: UpstreamBase, path: string, query?: QueryParams): string {
  if (CONTROL.test(path)) refuse('control characters are not allowed');
  if (path.includes('\\')) refuse('backslashes are not allowed');
  if (SCHEME.test(path)) refuse('a scheme is not allowed');
  if (path.startsWith('//')) refuse('an authority is not allowed');
  if (path.includes('?') || path.includes('#')) refuse("pass the query in 'query'; fragments are not allowed");

  const segments = path.replace(/^\//, '').split('/').map(canonicalSegment);
  const pathname = `${base.basePath}/${segments.join('/')}`;

  // Belt and braces: whatever the checks above missed, the URL a parser sees must
  // stay on the configured origin and under the configured base path.
  const resolved = new URL(pathname, base.origin);
  if (resolved.origin !== base.origin || !`${resolved.pathname}/`.startsWith(`${base.basePath}/`)) {
    refuse('it leaves the upstream base path');
  }
  return pathname + queryString(query);
}

/**
 * Decodes a segment once and re-encodes it, so an upstream that decodes again sees
 * exactly what we checked: `%2e%2e` is a dot-dot segment, `%2f` a smuggled separator.
 */
function canonicalSegment(raw: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return refuse('malformed percent-encoding');
  }
  if (decoded === '..' || decoded === '.') refuse('dot segments are not allowed');
  if (decoded.includes('/') || decoded.includes('\\')) refuse('encoded path separators are not allowed');
  if (CONTROL.test(decoded)) refuse('control characters are not allowed');
  // encodeURIComponent also escapes sub-delimiters that are legal in a path segment; keep those readable.
  return encodeURIComponent(decoded).replace(/%(3A|40|24|26|2B|2C|3B|3D)/gi, (escaped) =>
    decodeURIComponent(escaped),
  );
}

function queryString(query: QueryParams | undefined): string {
  if (query === undefined) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const item of typeof value === 'string' ? [value] : value) params.append(key, item);
  }
  const encoded = params.toString();
  return encoded === '' ? '' : `?${encoded}`;
}
