import { existsSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../gateway/app/config/config-error.ts';
import { loadConfig } from '../../gateway/app/config/load-config.ts';
import { clientAddress } from '../../core/http/client-address.ts';
import { parseTrustProxy } from '../../core/http/trusted-proxies.ts';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { startTestGateway } from '../support/gateway-harness.ts';
import { firstErrorCode, graphql } from '../support/graphql-client.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.ts';
import { freePort } from '../support/processes.ts';
import { killRedis, REDIS_SERVER, startRedis } from '../support/redis-server.ts';

const request = (peer: string, forwardedFor?: string | string[]) =>
  ({ headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }, socket: { remoteAddress: peer } }) as unknown as IncomingMessage;

/** A documentation-range address no other run of this suite uses, so shared counters start at zero. */
const freshAddress = () => `2001:db8::${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}`;

describe('TRUST_PROXY', () => {
  it('reads true, false, a hop count and a list of addresses and CIDRs', () => {
    expect(parseTrustProxy('false')).toEqual({ kind: 'none' });
    expect(parseTrustProxy('true')).toEqual({ kind: 'hops', hops: 1 });
    expect(parseTrustProxy('2')).toEqual({ kind: 'hops', hops: 2 });
    expect(parseTrustProxy('10.0.0.0/8, 192.168.1.7, loopback').kind).toBe('addresses');
    for (const bad of ['10.0.0.0/33', 'proxy.example.com', '-1', '']) expect(() => parseTrustProxy(bad), bad).toThrow();
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8,::1' }).trustProxy.kind).toBe('addresses');
    expect(() => loadConfig({ TRUST_PROXY: 'nonsense' })).toThrow(ConfigError);
    expect(loadConfig({}).trustProxy).toEqual({ kind: 'none' });
  });

  it('takes the first untrusted hop from the right of X-Forwarded-For', () => {
    const spoofed = 'evil, 6.6.6.6, 203.0.113.7';
    expect(clientAddress(request('127.0.0.1', spoofed), parseTrustProxy('false'))).toBe('127.0.0.1');
    expect(clientAddress(request('127.0.0.1', spoofed), parseTrustProxy('true'))).toBe('203.0.113.7');
    expect(clientAddress(request('127.0.0.1', `${spoofed}, 10.0.0.2`), parseTrustProxy('2'))).toBe('203.0.113.7');
    expect(clientAddress(request('10.0.0.1', `${spoofed}, 10.0.0.2`), parseTrustProxy('10.0.0.0/8'))).toBe('203.0.113.7');
    expect(clientAddress(request('::ffff:10.0.0.1', spoofed), parseTrustProxy('10.0.0.0/8'))).toBe('203.0.113.7');
    // A peer outside the trusted list is the client, whatever it claims.
    expect(clientAddress(request('198.51.100.1', spoofed), parseTrustProxy('10.0.0.0/8'))).toBe('198.51.100.1');
    // Several headers are one list, in order.
    expect(clientAddress(request('127.0.0.1', ['evil', '203.0.113.7']), parseTrustProxy('loopback'))).toBe('203.0.113.7');
    // Every hop trusted: the left-most is all there is.
    expect(clientAddress(request('10.0.0.1', '10.0.0.3, 10.0.0.2'), parseTrustProxy('10.0.0.0/8'))).toBe('10.0.0.3');
    expect(clientAddress(request('127.0.0.1'), parseTrustProxy('true'))).toBe('127.0.0.1');
  });
});

const redisAvailable = postgresAvailable && existsSync(REDIS_SERVER);
const backends = [
  { name: 'embedded', start: async () => ({ env: {}, stop: async () => undefined }) },
  ...(redisAvailable
    ? [
        {
          name: 'Postgres + Redis',
          start: async () => {
            const database: TestDatabase = await createTestDatabase();
            const port = await freePort();
            const redis: ChildProcess = await startRedis(port);
            return { env: { DATABASE_URL: database.url, REDIS_URL: `redis://127.0.0.1:${port}` }, stop: async () => { await killRedis(redis); await database.drop(); } };
          },
        },
      ]
    : []),
];

// The bypass: behind an appending proxy, `X-Forwarded-For: <anything>, <real>` reset the count.
describe.each(backends)('a spoofed left-most X-Forwarded-For entry behind TRUST_PROXY=true ($name)', ({ start }) => {
  let gateway: RunningGateway;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    const backend = await start();
    stop = backend.stop;
    gateway = await startTestGateway({ ...backend.env, TRUST_PROXY: 'true', RATE_LIMITS: 'free=3/100' });
  });
  afterAll(async () => {
    await gateway?.close();
    await stop?.();
  });

  it('does not reset the anonymous limit', async () => {
    const real = freshAddress();
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const result = await graphql(gateway.url, '{ __typename }', {}, { headers: { 'x-forwarded-for': `${freshAddress()}, ${real}` } });
      statuses.push(result.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    // Another real client still has its own allowance.
    expect((await graphql(gateway.url, '{ __typename }', {}, { headers: { 'x-forwarded-for': `${real}, ${freshAddress()}` } })).status).toBe(200);
  });
});

describe('login throttling behind TRUST_PROXY=true', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ TRUST_PROXY: 'true' });
  });
  afterAll(() => gateway?.close());

  it('counts attempts per real address, not per spoofed entry', async () => {
    const real = freshAddress();
    const codes: Array<string | undefined> = [];
    // 50 attempts per address per 15 minutes (schema/abuse-limits.ts), each on another account.
    // GCRA returns one attempt every 18 s, so on a slow machine a few more may pass before the refusal.
    for (let attempt = 0; attempt < 56 && !codes.includes('RATE_LIMIT_EXCEEDED'); attempt += 1) {
      const result = await graphql(
        gateway.url,
        'mutation($input: LoginInput!) { login(input: $input) { accessToken } }',
        { input: { email: `spray-${attempt}@proxy.test`, password: 'wrong password 123' } },
        { headers: { 'x-forwarded-for': `${freshAddress()}, ${real}` } },
      );
      codes.push(firstErrorCode(result));
    }
    expect(new Set(codes.slice(0, 50))).toEqual(new Set(["AUTHENTICATION_REQUIRED"]));
    expect(codes.at(-1)).toBe('RATE_LIMIT_EXCEEDED');
    expect(codes.length).toBeGreaterThan(50);
  }, 60_000);
});
