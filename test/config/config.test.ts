import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeBenchSupergraph } from '../../bench/subgraphs/compose.ts';
import { ConfigError } from '../../gateway/app/config/config-error.ts';
import { loadConfig } from '../../gateway/app/config/load-config.ts';
import { SUBGRAPH_NAMES } from '../../schema/subgraph-names.ts';

const secret = 'x'.repeat(32);

describe('configuration', () => {
  it('defaults to the embedded mode: PGlite folder, in-memory stores, every subgraph in process', () => {
    const config = loadConfig({});
    expect(config.database).toEqual({ kind: 'pglite', dataDir: '.data/pglite' });
    expect(config.redis).toEqual({ kind: 'memory' });
    expect(Object.values(config.subgraphs)).toHaveLength(SUBGRAPH_NAMES.length);
    expect(Object.values(config.subgraphs).every((location) => location.kind === 'in-process')).toBe(true);
    expect(config.modules.upstreams).toEqual({});
    expect(config.http.port).toBe(4000);
    expect(config.jwt.keys.algorithm).toBe('HS256');
    expect(config.jwt.ttlSeconds).toBe(900);
    expect(config.subscriptions).toEqual({ maxConnectionsPerPrincipal: 20, maxQueuedEvents: 1000 });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('switches to Postgres and Redis by URL', () => {
    const config = loadConfig({ DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/test', REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgresql://postgres@127.0.0.1:5432/test', timeouts: { statementMs: 5000, acquireMs: 3000 } });
    expect(config.redis).toEqual({ kind: 'redis', url: 'redis://127.0.0.1:6379' });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://localhost/x' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'http://localhost' }, 'REDIS_URL'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ JWT_ALGORITHM: 'none' }, 'JWT_ALGORITHM'],
    [{ JWT_ALGORITHM: 'RS256' }, 'JWT_PRIVATE_KEY'],
    [{ ADMIN_EMAIL: 'admin@example.test' }, 'ADMIN_PASSWORD'],
    [{ SUBGRAPH_URLS: 'nosuch=http://x' }, 'SUBGRAPH_URLS'],
    [{ SUBGRAPH_DEDUP_EXCLUDE: 'auth,nosuch' }, 'SUBGRAPH_DEDUP_EXCLUDE'],
    [{ SUBGRAPH_CONNECTIONS: '0' }, 'SUBGRAPH_CONNECTIONS'],
    [{ SUBSCRIPTION_MAX_CONNECTIONS_PER_PRINCIPAL: '0' }, 'SUBSCRIPTION_MAX_CONNECTIONS_PER_PRINCIPAL'],
    [{ SUBSCRIPTION_MAX_QUEUED_EVENTS: 'many' }, 'SUBSCRIPTION_MAX_QUEUED_EVENTS'],
    [{ NODE_ENV: 'production' }, 'JWT_SECRET'],
    [{ NODE_ENV: 'production', JWT_SECRET: secret }, 'INTERNAL_TOKEN_SECRET'],
    [{ SUBGRAPH_URLS: 'auth=http://127.0.0.1:4101/graphql', JWT_SECRET: secret, INTERNAL_TOKEN_SECRET: secret }, 'DATABASE_URL'],
  ])('refuses %j naming %s', (env, variable) => {
    let thrown: unknown;
    try {
      loadConfig(env);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).variable).toBe(variable);
    expect((thrown as ConfigError).message).toMatch(new RegExp(`^Invalid configuration: ${variable} `));
    expect((thrown as ConfigError).message.split('\n')).toHaveLength(1);
  });

  it('reads module upstreams with their own timeout and retries', () => {
    const config = loadConfig({
      MODULE_UPSTREAMS: 'code-sandbox=http://127.0.0.1:9001/api;timeout=500;retries=0, drone-system=https://drones.internal',
      MODULE_TIMEOUT_MS: '2000',
    });
    expect(config.modules.upstreams).toEqual({
      'code-sandbox': { url: 'http://127.0.0.1:9001/api', timeoutMs: 500, retries: 0 },
      'drone-system': { url: 'https://drones.internal', timeoutMs: 2000, retries: 2 },
    });
    expect(() => loadConfig({ MODULE_UPSTREAMS: 'no-such-module=http://x' })).toThrow(/MODULE_UPSTREAMS/);
    expect(() => loadConfig({ MODULE_UPSTREAMS: 'code-sandbox=ftp://x' })).toThrow(/MODULE_UPSTREAMS/);
  });

  it('places a subgraph at a URL when configured', () => {
    const config = loadConfig({
      SUBGRAPH_URLS: 'keys=http://127.0.0.1:4102/graphql',
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/test',
      JWT_SECRET: secret,
      INTERNAL_TOKEN_SECRET: secret,
    });
    expect(config.subgraphs.keys).toEqual({ kind: 'remote', url: 'http://127.0.0.1:4102/graphql' });
    expect(config.subgraphs.auth).toEqual({ kind: 'in-process' });
  });

  it('reads the /v1 upstreams and requires the shared callback secret once agent-forge or knowledge runs apart', () => {
    const config = loadConfig({ V1_UPSTREAMS: 'agent-forge=http://10.0.0.9:8000;timeout=30000,knowledge=http://10.0.0.9:8001', PUBLIC_URL: 'https://gw.example/' });
    expect(config.modules.upstreams['agent-forge']).toEqual({ url: 'http://10.0.0.9:8000', timeoutMs: 30000, retries: 2 });
    expect(config.modules.upstreams['knowledge']?.url).toBe('http://10.0.0.9:8001');
    expect(config.v1.publicUrl).toBe('https://gw.example');
    expect(() => loadConfig({ V1_UPSTREAMS: 'code-sandbox=http://x' })).toThrow(/V1_UPSTREAMS/);
    const apart = {
      SUBGRAPH_URLS: 'agent-forge=http://127.0.0.1:4134/graphql',
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/test',
      JWT_SECRET: secret,
      INTERNAL_TOKEN_SECRET: secret,
    };
    expect(() => loadConfig(apart)).toThrow(/TRAINING_CALLBACK_SECRET/);
    expect(loadConfig({ ...apart, TRAINING_CALLBACK_SECRET: secret }).v1.callbackSecretGenerated).toBe(false);
  });

  it('reads the token lifetimes and REQUIRE_MFA; JWT_TTL_SECONDS alone keeps its meaning, a contradicting pair is refused', () => {
    expect(loadConfig({}).sessions).toEqual({ refreshTtlSeconds: 30 * 86_400, requireMfaFor: [], mfaIssuer: 'Federation Gateway' });
    expect(loadConfig({ ACCESS_TOKEN_TTL: '5m' }).jwt.ttlSeconds).toBe(300);
    expect(loadConfig({ JWT_TTL_SECONDS: '86400' }).jwt.ttlSeconds).toBe(86_400);
    expect(loadConfig({ JWT_TTL_SECONDS: '300', ACCESS_TOKEN_TTL: '5m' }).jwt.ttlSeconds).toBe(300);
    expect(() => loadConfig({ JWT_TTL_SECONDS: '86400', ACCESS_TOKEN_TTL: '15m' })).toThrow(/JWT_TTL_SECONDS.*contradicts ACCESS_TOKEN_TTL/);
    expect(loadConfig({ REFRESH_TOKEN_TTL: '7d', REQUIRE_MFA: 'premium, admin' }).sessions).toMatchObject({ refreshTtlSeconds: 7 * 86_400, requireMfaFor: ['pro', 'admin'] });
    expect(() => loadConfig({ REQUIRE_MFA: 'admins' })).toThrow(/REQUIRE_MFA.*'admins' is not a tier/);
    expect(() => loadConfig({ ACCESS_TOKEN_TTL: 'soon' })).toThrow(/ACCESS_TOKEN_TTL/);
  });

  describe('an external supergraph (SUPERGRAPH_PATH)', () => {
    const folder = mkdtempSync(join(tmpdir(), 'config-supergraph-'));
    const write = (name: string, text: string) => {
      const path = join(folder, name);
      writeFileSync(path, text);
      return path;
    };
    const urls = {
      accounts: 'http://10.0.0.1:4001/graphql',
      inventory: 'http://10.0.0.2:4002/graphql',
      products: 'http://10.0.0.3:4003/graphql',
      reviews: 'http://10.0.0.4:4004/graphql',
    };

    it('serves the supergraph in the file and reaches every subgraph it names at its recorded URL', () => {
      const path = write('good.graphql', composeBenchSupergraph(urls));
      const config = loadConfig({ SUPERGRAPH_PATH: path });
      expect(config.supergraph).toMatchObject({ kind: 'external', path });
      expect(config.subgraphs).toEqual(Object.fromEntries(Object.entries(urls).map(([name, url]) => [name, { kind: 'remote', url }])));
      // Our own platform still runs in this process (API keys, revocations): no database server needed.
      expect(config.database.kind).toBe('pglite');
    });

    it.each([
      ['a missing file', () => ({ SUPERGRAPH_PATH: join(folder, 'absent.graphql') }), 'SUPERGRAPH_PATH', /cannot be read/],
      ['text that is not GraphQL', () => ({ SUPERGRAPH_PATH: write('bad.graphql', 'not { graphql') }), 'SUPERGRAPH_PATH', /not a composed supergraph/],
      ['a schema that names no subgraph', () => ({ SUPERGRAPH_PATH: write('plain.graphql', 'type Query { a: Int }') }), 'SUPERGRAPH_PATH', /names no subgraph/],
      [
        'a subgraph URL that is not http(s)',
        () => ({ SUPERGRAPH_PATH: write('ftp.graphql', composeBenchSupergraph({ ...urls, reviews: 'ftp://10.0.0.4/graphql' })) }),
        'SUPERGRAPH_PATH',
        /reviews/,
      ],
      [
        'SUBGRAPH_URLS at the same time',
        () => ({ SUPERGRAPH_PATH: write('both.graphql', composeBenchSupergraph(urls)), SUBGRAPH_URLS: 'auth=http://127.0.0.1:4101/graphql' }),
        'SUBGRAPH_URLS',
        /cannot be combined/,
      ],
    ])('refuses %s', (_, env, variable, problem) => {
      let thrown: unknown;
      try {
        loadConfig(env());
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ConfigError);
      expect((thrown as ConfigError).variable).toBe(variable);
      expect((thrown as ConfigError).message).toMatch(problem);
      expect((thrown as ConfigError).message.split('\n')).toHaveLength(1);
    });
  });
});
