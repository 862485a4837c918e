/** The origin every request URL is read against; the gateway answers on many host names. */
const EDGE_ORIGIN = 'http://edge.invalid';

/**
 * The request target as a URL, or null when it is not one. An origin-form target
 * (`/path?query`) is read as a path even when it starts with `//`: resolved
 * against a base, `//` would begin a host name (`//evil.example/x` would route as
 * `/x`, and `//` alone throws).
 */
export function parseRequestTarget(target: string | undefined): URL | null {
  const raw = target ?? '/';
  try {
    return raw.startsWith('/') ? new URL(`${EDGE_ORIGIN}${raw}`) : new URL(raw, EDGE_ORIGIN);
  } catch {
    return null;
  }
}

/** What an unparseable target is routed as while it is refused. */
export const ROOT_TARGET: URL = new URL(`${EDGE_ORIGIN}/`);
