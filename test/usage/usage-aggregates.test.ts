import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../prisma/database.ts';
import type { UsageRecord } from '../../gateway/usage/usage-record.ts';
import { prismaUsageSink } from '../../gateway/usage/prisma-usage-sink.ts';
import { usageQueries } from '../../subgraphs/analytics/usage-queries.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.ts';

const alice = randomUUID();
const bob = randomUUID();
const aliceKey = randomUUID();
const base = Date.UTC(2026, 10, 20, 10, 0, 0);
const HOUR = 3_600_000;

const row = (overrides: Partial<UsageRecord>): UsageRecord => ({
  occurredAt: new Date(base),
  requestId: `req_${randomUUID()}`,
  transport: 'rest',
  userId: alice,
  apiKeyId: null,
  tier: 'pro',
  module: null,
  operationName: 'RestListApiKeys',
  route: 'GET /api-keys/list',
  status: 200,
  latencyMs: 10,
  bytesIn: 0,
  bytesOut: 100,
  ...overrides,
});

/**
 * Known data: alice makes 10 calls with latencies 10..100 ms (two of them
 * errors, four through her key to code-sandbox, one an hour later, one the next
 * day); bob makes 2. Percentiles follow percentile_cont's linear interpolation.
 */
const KNOWN: UsageRecord[] = [
  ...[10, 20, 30, 40, 50, 60, 70, 80].map((latencyMs, n) =>
    row({ latencyMs, status: n < 2 ? 500 - n * 100 : 200, ...(n >= 4 ? { apiKeyId: aliceKey, module: 'code-sandbox', transport: 'graphql', route: 'POST /graphql', operationName: 'Run' } : {}) }),
  ),
  row({ latencyMs: 90, occurredAt: new Date(base + HOUR) }),
  row({ latencyMs: 100, occurredAt: new Date(base + 24 * HOUR) }),
  row({ userId: bob, tier: 'free', latencyMs: 5 }),
  row({ userId: bob, tier: 'free', latencyMs: 7, status: 429 }),
];

const window = { since: new Date(base - HOUR), until: new Date(base + 48 * HOUR) };

const backends = [
  { name: 'PGlite', available: true, open: async () => ({ database: await openDatabase({ kind: 'pglite', dataDir: 'memory://' }), drop: async () => {} }) },
  {
    name: 'Postgres',
    available: postgresAvailable,
    open: async () => {
      const test: TestDatabase = await createTestDatabase();
      return { database: await openDatabase({ kind: 'postgres', url: test.url }), drop: () => test.drop() };
    },
  },
];

for (const backend of backends) {
  describe.runIf(backend.available)(`usage aggregates in SQL on ${backend.name}`, () => {
    let database: Database;
    let drop: () => Promise<void>;
    let queries: ReturnType<typeof usageQueries>;

    beforeAll(async () => {
      ({ database, drop } = await backend.open());
      await prismaUsageSink(database.prisma)(KNOWN);
      queries = usageQueries(database.prisma);
    }, 60_000);
    afterAll(async () => {
      await database?.close();
      await drop?.();
    });

    it("totals one user's requests, errors, error rate, bytes and p50/p95 latency", async () => {
      const total = await queries.total({ ...window, userId: alice });
      // Latencies 10..100: p50 = 55, p95 = 95.5 (linear interpolation).
      expect(total).toEqual({ requests: 10, errors: 2, errorRate: 0.2, p50LatencyMs: 55, p95LatencyMs: 95.5, bytesIn: 0, bytesOut: 1000 });
    });

    it('narrows to a key, a module, a tier and a window', async () => {
      expect((await queries.total({ ...window, apiKeyId: aliceKey })).requests).toBe(4);
      expect((await queries.total({ ...window, module: 'code-sandbox' })).p50LatencyMs).toBe(65);
      expect((await queries.total({ ...window, tier: 'free' })).errors).toBe(1);
      expect((await queries.total({ since: new Date(base), until: new Date(base + HOUR) })).requests).toBe(10);
      expect((await queries.total({ ...window, userId: randomUUID() })).requests).toBe(0);
    });

    it('buckets by hour and by day', async () => {
      const hours = await queries.buckets({ ...window, userId: alice }, 'hour');
      expect(hours.map((bucket) => [bucket.start.toISOString(), bucket.stats.requests])).toEqual([
        [new Date(base).toISOString(), 8],
        [new Date(base + HOUR).toISOString(), 1],
        [new Date(base + 24 * HOUR).toISOString(), 1],
      ]);
      const days = await queries.buckets({ ...window }, 'day');
      expect(days.map((bucket) => [bucket.start.toISOString().slice(0, 10), bucket.stats.requests])).toEqual([
        ['2026-11-20', 11],
        ['2026-11-21', 1],
      ]);
    });

    it('groups by key, module, tier and operation, busiest first', async () => {
      const tiers = await queries.groups(window, 'tier', 10);
      expect(tiers.map((group) => [group.key, group.stats.requests, group.stats.errorRate])).toEqual([
        ['pro', 10, 0.2],
        ['free', 2, 0.5],
      ]);
      const keys = await queries.groups({ ...window, userId: alice }, 'apiKey', 10);
      expect(keys.map((group) => [group.key, group.stats.requests])).toEqual([
        [null, 6],
        [aliceKey, 4],
      ]);
      expect((await queries.groups(window, 'operation', 1)).map((group) => group.key)).toEqual(['RestListApiKeys']);
    });

    it('totals, filters and groups subjects of other issuers (not UUIDs) as their tokens name them', async () => {
      // A week after the known data, so the other reports do not see these.
      const later = { since: new Date(base + 7 * 24 * HOUR), until: new Date(base + 8 * 24 * HOUR) };
      const at = new Date(base + 7 * 24 * HOUR + HOUR);
      const carol = 'auth0|5f7c8ec7c33c6c004bbafe82';
      const dave = '00u1ab2c3DEF4gh5i6j7';
      await prismaUsageSink(database.prisma)([
        row({ occurredAt: at, userId: carol }),
        row({ occurredAt: at, userId: carol, status: 503 }),
        row({ occurredAt: at, userId: dave }),
        row({ occurredAt: at, userId: alice }),
      ]);
      expect(await queries.total({ ...later, userId: carol })).toMatchObject({ requests: 2, errors: 1 });
      expect((await queries.total({ ...later, userId: 'auth0|someone-else' })).requests).toBe(0);
      expect((await queries.buckets({ ...later, userId: dave }, 'hour')).map((bucket) => [bucket.start.toISOString(), bucket.stats.requests])).toEqual([[at.toISOString(), 1]]);
      const users = await queries.groups(later, 'user', 10);
      expect(users[0]?.key).toBe(carol);
      expect(new Map(users.map((group) => [group.key, group.stats.requests]))).toEqual(new Map([[carol, 2], [alice, 1], [dave, 1]]));
    });

    it("reads one user's usage through its index, not by scanning the table", async () => {
      // With a dozen rows a scan is cheaper, so the planner is told scans are out; it must then have an index to use.
      const plan = await database.prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe('SET LOCAL enable_seqscan = off');
        return tx.$queryRawUnsafe<Array<Record<string, string>>>(
          `EXPLAIN SELECT count(*) FROM usage_records WHERE user_id = '${alice}' AND occurred_at >= now() - interval '30 days'`,
        );
      });
      expect(plan.map((line) => Object.values(line)[0]).join('\n')).toContain('usage_records_user_id_occurred_at_idx');
    });
  });
}
