import { decodePathParameter } from '../core/http/unsafe-strings.ts';

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
      for (const [index, name] of names.entries()) params[name] = decodePathParameter(name, found[index + 1] ?? '');
      return params;
    },
  };
}
