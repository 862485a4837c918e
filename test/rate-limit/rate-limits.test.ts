import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { createApiKey, userOfTier } from '../support/account-flows.ts';
import { ADMIN, startTestGateway } from '../support/gateway-harness.ts';
import { firstErrorCode, graphql, type GraphQLResult } from '../support/graphql-client.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';
import { freePort } from '../support/processes.ts';
import { killRedis, REDIS_SERVER, startRedis } from '../support/redis-server.ts';

const redisUrl = process.env['REDIS_URL'];
const ME = '{ me { id } }';
const TYPENAME = '{ __typename }';

function statuses(results: readonly GraphQLResult[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const result of results) counts[result.status] = (counts[result.status] ?? 0) + 1;
  return counts;
}

/** The contract's limit behaviour, checked through the gateways' HTTP fronts. */
function limitSuite(name: string, gateways: () => readonly RunningGateway[]) {
  describe(name, () => {
    let proToken: string;
    const at = (index: number) => gateways()[index % gateways().length]!.url;

    beforeAll(async () => {
      proToken = (await userOfTier(at(0), `pro-${name.replace(/\W/g, '')}@example.test`, 'pro', ADMIN)).token;
    });

    it('admits exactly the per-minute limit of concurrent requests, not one more', async () => {
      const { apiKey } = await createApiKey(at(0), proToken, { name: 'five a minute', limitPerMinute: 5 });
      const results = await Promise.all(Array.from({ length: 15 }, (_, i) => graphql(at(i), ME, {}, { apiKey })));
      expect(statuses(results)).toEqual({ 200: 5, 429: 10 });
      const refused = results.find((result) => result.status === 429)!;
      expect(firstErrorCode(refused)).toBe('RATE_LIMIT_EXCEEDED');
      expect(refused.errors?.[0]?.message).toBe('Rate limit exceeded');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    });

    it('admits exactly the per-hour limit when it is the tighter window', async () => {
      const { apiKey } = await createApiKey(at(0), proToken, { name: 'three an hour', limitPerMinute: 10, limitPerHour: 3 });
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => graphql(at(i), ME, {}, { apiKey })));
      expect(statuses(results)).toEqual({ 200: 3, 429: 9 });
      const refused = results.find((result) => result.status === 429)!;
      expect(refused.headers.get('x-ratelimit-limit')).toBe('3');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(60);
    });

    it('carries the limit headers on success, for the most restrictive window', async () => {
      const { apiKey } = await createApiKey(at(0), proToken, { name: 'headers', limitPerMinute: 7 });
      const first = await graphql(at(0), ME, {}, { apiKey });
      expect(first.status).toBe(200);
      expect(first.headers.get('x-ratelimit-limit')).toBe('7');
      expect(first.headers.get('x-ratelimit-remaining')).toBe('6');
      const reset = Number(first.headers.get('x-ratelimit-reset'));
      const now = Date.now() / 1000;
      expect(reset).toBeGreaterThan(now);
      expect(reset).toBeLessThanOrEqual(now + 61);
      expect(first.headers.get('ratelimit-policy')).toBe('"minute";q=7;w=60, "hour";q=1000;w=3600');
      expect(first.headers.get('ratelimit')).toMatch(/^"minute";r=6;t=\d+$/);
      expect(first.headers.get('retry-after')).toBeNull();
    });

    it('restores capacity as the window moves on', async () => {
      // 20 a minute: one request's worth of capacity returns every 3 s, long enough
      // for the burst to land inside it even on a loaded machine.
      const { apiKey } = await createApiKey(at(0), proToken, { name: 'twenty a minute', limitPerMinute: 20 });
      const burst = await Promise.all(Array.from({ length: 21 }, (_, i) => graphql(at(i), ME, {}, { apiKey })));
      expect(statuses(burst)).toEqual({ 200: 20, 429: 1 });
      const wait = Number(burst.find((result) => result.status === 429)!.headers.get('retry-after'));
      await sleep(wait * 1000 + 100);
      expect((await graphql(at(1), ME, {}, { apiKey })).status).toBe(200);
    });

    it('counts users by account, at their tier limits', async () => {
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => graphql(at(i), ME, {}, { token: proToken })));
      expect(statuses(results)).toEqual({ 200: 10 });
      expect(results.map((result) => Number(result.headers.get('x-ratelimit-limit')))).toEqual(Array(10).fill(200));
    });
  });
}

describe('rate limits in memory (one gateway)', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startTestGateway();
  });
  afterAll(() => gateway?.close());
  limitSuite('memory', () => [gateway]);
});

describe.runIf(postgresAvailable && redisUrl)('rate limits in Redis shared by two gateways', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const gateways: RunningGateway[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
    const env = { DATABASE_URL: database.url, REDIS_URL: redisUrl ?? '' };
    gateways.push(await startTestGateway(env));
    gateways.push(await startTestGateway(env));
  });
  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.close()));
    await database?.drop();
  });
  limitSuite('redis', () => gateways);
});

describe('free-tier limits from configuration', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ RATE_LIMITS: 'free=4/50' });
  });
  afterAll(() => gateway?.close());

  it('holds anonymous callers to the free tier by address', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => graphql(gateway.url, '{ __typename }')));
    expect(statuses(results)).toEqual({ 200: 4, 429: 4 });
  });
});

describe.runIf(existsSync(REDIS_SERVER))('a Redis outage', () => {
  let port: number;
  let redis: ChildProcess;
  let failOpen: RunningGateway;
  let failClosed: RunningGateway;
  let token: string;
  // Each gateway has its own embedded database, so each knows only accounts made through it.
  let closedToken: string;

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    const env = { REDIS_URL: `redis://127.0.0.1:${port}` };
    failOpen = await startTestGateway(env);
    failClosed = await startTestGateway({ ...env, RATE_LIMIT_OUTAGE_POLICY: 'fail-closed' });
    token = (await userOfTier(failOpen.url, 'outage@example.test', 'pro', ADMIN)).token;
    closedToken = (await userOfTier(failClosed.url, 'outage@example.test', 'pro', ADMIN)).token;
  });
  afterAll(async () => {
    await Promise.all([failOpen?.close(), failClosed?.close()]);
    await killRedis(redis);
  });

  // Two gateways with separate embedded databases share only Redis; __typename needs neither database.
  it('admits under fail-open, refuses 503 under fail-closed, and resumes counting when Redis is back', async () => {
    const before = await graphql(failOpen.url, TYPENAME, {}, { token });
    expect(before.status).toBe(200);
    const remainingBefore = Number(before.headers.get('x-ratelimit-remaining'));

    await killRedis(redis);
    const open = await graphql(failOpen.url, TYPENAME, {}, { token });
    expect(open.status).toBe(200);
    expect(open.data).toEqual({ __typename: 'Query' });
    const closed = await graphql(failClosed.url, TYPENAME, {}, { token: closedToken });
    expect(closed.status).toBe(503);
    expect(firstErrorCode(closed)).toBe('SERVICE_UNAVAILABLE');

    redis = await startRedis(port);
    // ioredis reconnects on its own; no restart of either gateway.
    const deadline = Date.now() + 15_000;
    let resumed: GraphQLResult | undefined;
    while (Date.now() < deadline) {
      resumed = await graphql(failClosed.url, TYPENAME, {}, { token: closedToken });
      if (resumed.status === 200) break;
      await sleep(200);
    }
    expect(resumed?.status).toBe(200);
    // The restarted Redis kept nothing, so counting starts afresh and goes down again.
    const first = Number(resumed?.headers.get('x-ratelimit-remaining'));
    const second = await graphql(failClosed.url, TYPENAME, {}, { token: closedToken });
    expect(Number(second.headers.get('x-ratelimit-remaining'))).toBe(first - 1);
    expect(remainingBefore).toBeGreaterThan(0);
  });
});
