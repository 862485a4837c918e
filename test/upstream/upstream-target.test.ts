import { describe, expect, it } from 'vitest';
import { parseUpstreamBase, resolveUpstreamPath } from '../../subgraphs/shared/upstream/upstream-target.ts';

const base = parseUpstreamBase('billing', 'http://10.0.0.5:8080/api/');

describe('upstream target', () => {
  it('appends the path below the base path and encodes the query', () => {
    expect(resolveUpstreamPath(base, '/v1/items/42', { q: 'a b', tag: ['x', 'y'] })).toBe('/api/v1/items/42?q=a+b&tag=x&tag=y');
    expect(resolveUpstreamPath(base, 'v1/items')).toBe('/api/v1/items');
    expect(resolveUpstreamPath(base, '')).toBe('/api/');
  });

  it('canonicalises segments: spaces and unicode encoded, sub-delimiters kept, no double encoding', () => {
    expect(resolveUpstreamPath(base, '/files/a b/é')).toBe('/api/files/a%20b/%C3%A9');
    expect(resolveUpstreamPath(base, '/files/a%20b')).toBe('/api/files/a%20b');
    expect(resolveUpstreamPath(base, '/items/ns:id@v1,x=1')).toBe('/api/items/ns:id@v1,x=1');
  });

  it.each([
    ['/../admin', 'dot segments'],
    ['/a/../../etc/passwd', 'dot segments'],
    ['/a/%2e%2e/b', 'dot segments'],
    ['/a/%2E./b', 'dot segments'],
    ['/a/./b', 'dot segments'],
    ['/a%2f..%2fb', 'encoded path separators'],
    ['/a%5cb', 'encoded path separators'],
    ['/a\\..\\b', 'backslashes'],
    ['//evil.com/x', 'an authority'],
    ['http://evil.com/', 'a scheme'],
    ['HTTPS:evil.com', 'a scheme'],
    ['javascript:alert(1)', 'a scheme'],
    ['/a\r\nHost: evil.com', 'control characters'],
    ['/a%0d%0aHost:%20evil', 'control characters'],
    ['/a\u0000', 'control characters'],
    ['/a?x=1', 'query'],
    ['/a#frag', 'fragments'],
    ['/a%zz', 'malformed percent-encoding'],
  ])('refuses %j (%s)', (path, reason) => {
    expect(() => resolveUpstreamPath(base, path)).toThrow(reason);
    try {
      resolveUpstreamPath(base, path);
    } catch (error) {
      expect((error as { extensions?: Record<string, unknown> }).extensions?.['code']).toBe('VALIDATION_ERROR');
    }
  });

  it('rejects base URLs that are not plain http(s) locations', () => {
    expect(() => parseUpstreamBase('x', 'ftp://host/')).toThrow('http or https');
    expect(() => parseUpstreamBase('x', 'http://user:pw@host/')).toThrow('credentials');
    expect(() => parseUpstreamBase('x', 'http://host/?k=1')).toThrow('query');
    expect(() => parseUpstreamBase('x', 'not a url')).toThrow('not a valid URL');
  });
});
