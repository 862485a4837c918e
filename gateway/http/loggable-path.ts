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

/**
 * API keys (`100x_…`), webhook secrets (`whsec_…`), JWTs (`eyJ….….…`), bearer-like
 * long tokens: anywhere in a segment, since a client may send `api-keys%2F100x_…`
 * (one segment with an encoded slash) or glue a key to other text.
 */
const CREDENTIAL_SHAPES: readonly RegExp[] = [/100x_/i, /whsec_/i, /eyJ[\w-]*\.[\w-]+\./, /[A-Za-z0-9_-]{40,}/];

/** Enough rounds for `%252F` and the like: each round undoes one layer of percent-encoding. */
const DECODE_ROUNDS = 3;

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

/** The segment as written and as each round of percent-decoding leaves it; any of them may carry the credential. */
function readings(segment: string): string[] {
  const all = [segment];
  let current = segment;
  for (let round = 0; round < DECODE_ROUNDS; round += 1) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      // Broken percent-encoding: judged as written so far.
      break;
    }
    if (next === current) break;
    all.push(next);
    current = next;
  }
  return all;
}

function isCredentialShaped(segment: string): boolean {
  return readings(segment).some((reading) => CREDENTIAL_SHAPES.some((shape) => shape.test(reading)));
}
