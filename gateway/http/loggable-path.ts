/**
 * The path as logs and traces may show it (CONTRACT.md section 1: keys are never
 * logged). The legacy `DELETE /api-keys/{api_key}` names a key by the key itself,
 * so that route's parameter is shown as its pattern; and any segment shaped like
 * a credential, on any path (someone trying a key where an id goes, a typo'd
 * route), is shown as `{credential}`. Query strings are never part of it.
 */

/** Routes whose parameter may be a credential: the first `prefix.length` segments, then the parameter. */
const CREDENTIAL_ROUTES: ReadonlyArray<{ readonly prefix: readonly string[]; readonly parameter: string; readonly literals: readonly string[] }> = [
  // `/api-keys/list` and `/api-keys/create` are sibling routes, not keys.
  { prefix: ['api-keys'], parameter: '{api_key}', literals: ['list', 'create'] },
];

/** API keys (`100x_…`), webhook secrets (`whsec_…`), JWTs (`eyJ….….…`), bearer-like long tokens. */
const CREDENTIAL_SHAPES: readonly RegExp[] = [/^100x_/i, /^whsec_/i, /^eyJ[\w-]*\.[\w-]+\./, /^[A-Za-z0-9_-]{40,}$/];

export function loggablePath(pathname: string): string {
  const segments = pathname.split('/');
  // segments[0] is the empty string before the leading slash.
  for (const route of CREDENTIAL_ROUTES) {
    const index = route.prefix.length + 1;
    if (segments.length !== index + 1 || !route.prefix.every((segment, i) => segments[i + 1] === segment)) continue;
    const parameter = segments[index] ?? '';
    if (parameter !== '' && !route.literals.includes(parameter)) segments[index] = route.parameter;
  }
  return segments.map((segment) => (isCredentialShaped(segment) ? '{credential}' : segment)).join('/');
}

function isCredentialShaped(segment: string): boolean {
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    // An undecodable segment is judged as written.
  }
  return CREDENTIAL_SHAPES.some((shape) => shape.test(decoded));
}
