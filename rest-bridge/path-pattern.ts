import { validationError } from '../core/errors/errors.ts';
import { unsafeStringProblem } from '../core/http/unsafe-strings.ts';

/** A route path compiled for matching: `{name}` is one segment, a last `{name...}` the rest (possibly empty). */
export interface PathPattern {
  readonly names: readonly string[];
  match(pathname: string): Record<string, string> | null;
}

export function compilePath(path: string): PathPattern {
  const names: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      const rest = /^\{(\w+)\.\.\.\}$/.exec(segment);
      if (rest?.[1]) {
        names.push(rest[1]);
        return '\u0000';
      }
      const param = /^\{(\w+)\}$/.exec(segment);
      if (param?.[1]) {
        names.push(param[1]);
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/')
    .replace('/\u0000', '(?:/(.*))?');
  const regex = new RegExp(`^${source}/?$`);
  return {
    names,
    match(pathname) {
      const found = regex.exec(pathname);
      if (!found) return null;
      const params: Record<string, string> = {};
      for (const [index, name] of names.entries()) {
        let value: string;
        try {
          value = decodeURIComponent(found[index + 1] ?? '');
        } catch {
          // The route is this one; the client's percent-encoding is not UTF-8.
          throw validationError(`Path parameter '${name}' is not valid percent-encoded UTF-8`, name);
        }
        const problem = unsafeStringProblem(value);
        if (problem) throw validationError(`Path parameter '${name}' ${problem}`, name);
        params[name] = value;
      }
      return params;
    },
  };
}
