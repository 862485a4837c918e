import { validationError } from '../errors/errors.ts';

// Postgres refuses NUL in text (22021) and a lone UTF-16 surrogate cannot be
// encoded as UTF-8, so either would fail deep inside a write. They are refused
// where input enters, with the field named.
const NUL = '\u0000';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What is wrong with a string, or null when it is safe to store. */
export function unsafeStringProblem(value: string): string | null {
  if (value.includes(NUL)) return 'contains a NUL character';
  if (LONE_SURROGATE.test(value)) return 'contains an unpaired UTF-16 surrogate (not valid Unicode)';
  return null;
}

/**
 * A path parameter, percent-decoded: broken UTF-8 percent-encoding or an unsafe
 * string is the client's mistake, refused naming the parameter (400), not a 500.
 */
export function decodePathParameter(name: string, raw: string): string {
  let value: string;
  try {
    value = decodeURIComponent(raw);
  } catch {
    // The route is this one; the client's percent-encoding is not UTF-8.
    throw validationError(`Path parameter '${name}' is not valid percent-encoded UTF-8`, name);
  }
  const problem = unsafeStringProblem(value);
  if (problem) throw validationError(`Path parameter '${name}' ${problem}`, name);
  return value;
}
