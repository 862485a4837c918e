import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../gateway/app/config/load-config.ts';
import { backendPath, matchBackendRoute } from '../../gateway/backend/backend-routes.ts';

describe('BACKEND_* configuration', () => {
  it('reads routes with their settings, the seed-style BACKEND_TIMEOUT in seconds, and the WebSocket pair', () => {
    const config = loadConfig({
      BACKEND_ROUTES: '/api/v1/*=http://127.0.0.1:8080, /legacy/*=http://10.0.0.9:9000/base;timeout=5s;retries=0;name=legacy;auth=optional;max_body=2048, /*=https://catch.all',
      BACKEND_TIMEOUT: '30.0',
      BACKEND_MAX_BODY_BYTES: '1000000',
      BACKEND_WS_URL: 'ws://127.0.0.1:8080/ws',
    });
    expect(config.backend.routes).toEqual([
      { name: '/api/v1', prefix: '/api/v1', url: 'http://127.0.0.1:8080', timeoutMs: 30_000, retries: 2, auth: 'required', maxBodyBytes: 1_000_000 },
      { name: 'legacy', prefix: '/legacy', url: 'http://10.0.0.9:9000/base', timeoutMs: 5_000, retries: 0, auth: 'optional', maxBodyBytes: 2048 },
      { name: '/', prefix: '', url: 'https://catch.all', timeoutMs: 30_000, retries: 2, auth: 'required', maxBodyBytes: 1_000_000 },
    ]);
    expect(loadConfig({ BACKEND_ROUTES: '/api/*=http://x' }).backend.routes[0]?.maxBodyBytes).toBe(100 * 1024 * 1024);
    expect(config.backend.webSocket).toEqual({ path: '/ws/backend', url: 'ws://127.0.0.1:8080/ws', timeoutMs: 30_000, maxPayloadBytes: 1_048_576 });
    expect(loadConfig({ BACKEND_TIMEOUT: '750ms' }).backend).toEqual({ routes: [], webSocket: null });
  });

  it('names the variable and the bad entry when a value is wrong', () => {
    expect(() => loadConfig({ BACKEND_ROUTES: 'api/v1/*=http://x' })).toThrow(/BACKEND_ROUTES.*not a path prefix/);
    expect(() => loadConfig({ BACKEND_ROUTES: '/api/*=ftp://x' })).toThrow(/BACKEND_ROUTES.*not an http\(s\) URL/);
    expect(() => loadConfig({ BACKEND_ROUTES: '/api/*=http://user:pw@x' })).toThrow(/BACKEND_ROUTES.*credentials/);
    expect(() => loadConfig({ BACKEND_ROUTES: '/api/*=http://x;retries=9' })).toThrow(/BACKEND_ROUTES.*retries=9/);
    expect(() => loadConfig({ BACKEND_ROUTES: '/a/*=http://x,/a=http://y' })).toThrow(/BACKEND_ROUTES.*twice/);
    for (const bad of ['max_body=0', 'max_body=-5', 'max_body=1e6', 'max_body=lots']) {
      expect(() => loadConfig({ BACKEND_ROUTES: `/api/*=http://x;${bad}` }), bad).toThrow(new RegExp(`BACKEND_ROUTES.*${bad}`));
    }
    expect(() => loadConfig({ BACKEND_MAX_BODY_BYTES: '0' })).toThrow(/BACKEND_MAX_BODY_BYTES/);
    expect(() => loadConfig({ BACKEND_TIMEOUT: 'soon' })).toThrow(/BACKEND_TIMEOUT/);
    expect(() => loadConfig({ BACKEND_WS_URL: 'http://x/ws' })).toThrow(/BACKEND_WS_URL/);
    expect(() => loadConfig({ BACKEND_WS_PATH: '/graphql', BACKEND_WS_URL: 'ws://x/ws' })).toThrow(/BACKEND_WS_PATH/);
  });

  it('matches the longest prefix at a segment boundary, and hands the backend the path without api_key', () => {
    const routes = [{ prefix: '' }, { prefix: '/api' }, { prefix: '/api/v1' }];
    expect(matchBackendRoute(routes, '/api/v1/blocks')?.prefix).toBe('/api/v1');
    expect(matchBackendRoute(routes, '/api/v1')?.prefix).toBe('/api/v1');
    expect(matchBackendRoute(routes, '/api/v10')?.prefix).toBe('/api');
    expect(matchBackendRoute(routes, '/other')?.prefix).toBe('');
    expect(matchBackendRoute(routes.slice(1), '/apix')).toBeUndefined();
    expect(backendPath('/base', new URL('http://g/api/v1/x?a=1&api_key=100x_secret&b=2'))).toBe('/base/api/v1/x?a=1&b=2');
    expect(backendPath('', new URL('http://g/api/v1/../../etc/passwd?q=%20'))).toBe('/etc/passwd?q=%20');
  });
});
