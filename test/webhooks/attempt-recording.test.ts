import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { platformEvent } from '../../core/events/event-bus.ts';
import { openDatabase, type Database, type DatabaseConfig } from '../../prisma/database.ts';
import { recordAttempts, type AttemptEntry } from '../../subgraphs/webhooks/delivery/attempt-recording.ts';
import { deliveryQueue, type AttemptRecord, type ClaimedDelivery } from '../../subgraphs/webhooks/delivery/delivery-queue.ts';
import { recordWebhookEvent } from '../../subgraphs/webhooks/outbox.ts';
import { generateWebhookSecret } from '../../subgraphs/webhooks/secret.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.ts';

const LEASE_MS = 60_000;

const at = (seconds: number) => new Date(Date.UTC(2026, 11, 1, 12, 0, seconds));
const succeeded = (startedAt: Date): AttemptRecord => ({
  startedAt, durationMs: 3, succeeded: true, responseStatus: 200, responseExcerpt: 'ok', error: null, next: { status: 'succeeded' },
});
const failed = (startedAt: Date, next: AttemptRecord['next'] = { status: 'pending', delayMs: 60_000 }): AttemptRecord => ({
  startedAt, durationMs: 5, succeeded: false, responseStatus: 503, responseExcerpt: 'down', error: 'HTTP 503', next,
});

function suite(kind: string, open: () => Promise<{ config: DatabaseConfig; cleanUp: () => Promise<void> }>) {
  describe(`batched attempt recording (${kind})`, () => {
    let database: Database;
    let cleanUp: () => Promise<void>;
    let endpointId: string;
    let ownerId: string;

    beforeAll(async () => {
      const opened = await open();
      cleanUp = opened.cleanUp;
      database = await openDatabase(opened.config);
      const user = await database.prisma.user.create({ data: { email: `recording-${kind}@example.test`, passwordHash: 'x' } });
      ownerId = user.id;
    }, 60_000);
    afterAll(async () => {
      await database?.close();
      await cleanUp?.();
    });
    beforeEach(async () => {
      const endpoint = await database.prisma.webhookEndpoint.create({
        data: { ownerId, url: 'http://127.0.0.1:9/hooks', eventTypes: ['webhook.test'], secret: generateWebhookSecret() },
      });
      endpointId = endpoint.id;
    });

    /** Queues `count` deliveries for the current endpoint and claims them. */
    const claimed = async (count: number): Promise<ClaimedDelivery[]> => {
      for (let i = 0; i < count; i += 1) {
        await recordWebhookEvent(database.prisma, platformEvent('webhook.test', ownerId, { endpointId, message: `m${i}` }), { endpointId });
      }
      const deliveries = await deliveryQueue(database.prisma, { leaseMs: LEASE_MS }).claim(count);
      expect(deliveries).toHaveLength(count);
      return deliveries;
    };
    const endpointFailingSince = async () =>
      (await database.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpointId }, select: { failingSince: true } })).failingSince;

    it('records every attempt of a batch in one statement: the delivery, its attempt row, its next due time', async () => {
      const [done, retried, given] = await claimed(3);
      const entries: AttemptEntry[] = [
        { delivery: done!, attempt: succeeded(at(1)) },
        { delivery: retried!, attempt: failed(at(2)) },
        { delivery: given!, attempt: failed(at(3), { status: 'failed' }) },
      ];
      const results = await recordAttempts(database.prisma, entries);
      expect(results.map((result) => result.recorded)).toEqual([true, true, true]);

      const rows = await database.prisma.webhookDelivery.findMany({
        where: { endpointId },
        select: { id: true, status: true, claimToken: true, lastResponseStatus: true, lastError: true, completedAt: true, nextAttemptAt: true, attempts: true },
      });
      const byId = new Map(rows.map((row) => [row.id, row]));
      expect(byId.get(done!.id)).toMatchObject({ status: 'succeeded', claimToken: null, lastResponseStatus: 200, lastError: null });
      expect(byId.get(done!.id)!.completedAt).not.toBeNull();
      expect(byId.get(retried!.id)).toMatchObject({ status: 'pending', claimToken: null, lastError: 'HTTP 503', completedAt: null });
      // Due again about a minute from now (the attempt's delay), not at the lease's end.
      const dueIn = byId.get(retried!.id)!.nextAttemptAt.getTime() - Date.now();
      expect(dueIn).toBeGreaterThan(30_000);
      expect(dueIn).toBeLessThan(90_000);
      expect(byId.get(given!.id)).toMatchObject({ status: 'failed', lastError: 'HTTP 503' });
      for (const row of rows) expect(row.attempts).toHaveLength(1);
      expect(byId.get(retried!.id)!.attempts[0]).toMatchObject({
        attemptNumber: 1, startedAt: at(2), durationMs: 5, succeeded: false, responseStatus: 503, responseExcerpt: 'down', error: 'HTTP 503',
      });
    });

    it('leaves out an attempt whose claim lapsed, and records the rest of its batch', async () => {
      const [kept, lapsed] = await claimed(2);
      const stale = { ...lapsed!, claimToken: '00000000-0000-4000-8000-000000000000' };
      const results = await recordAttempts(database.prisma, [
        { delivery: stale, attempt: succeeded(at(1)) },
        { delivery: kept!, attempt: succeeded(at(2)) },
      ]);
      expect(results.map((result) => result.recorded)).toEqual([false, true]);
      const lapsedRow = await database.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: lapsed!.id }, include: { attempts: true } });
      expect(lapsedRow).toMatchObject({ status: 'pending', claimToken: lapsed!.claimToken, attempts: [] });
    });

    it("applies one endpoint's attempts in the order they started: a run of failures begins at its first failure", async () => {
      const [a, b, c, d, e, f] = await claimed(6);
      // Completed out of order: the later start is first in the batch.
      const first = await recordAttempts(database.prisma, [
        { delivery: b!, attempt: failed(at(20)) },
        { delivery: a!, attempt: failed(at(10)) },
      ]);
      expect(first.map((result) => result.failingSince)).toEqual([at(10), at(10)]);
      expect(await endpointFailingSince()).toEqual(at(10));

      // A success, then a failure: the run starts again at that failure.
      const second = await recordAttempts(database.prisma, [
        { delivery: c!, attempt: succeeded(at(30)) },
        { delivery: d!, attempt: failed(at(40)) },
      ]);
      expect(second.map((result) => result.failingSince)).toEqual([null, at(40)]);
      expect(await endpointFailingSince()).toEqual(at(40));

      // A failure, then a success: healthy.
      const third = await recordAttempts(database.prisma, [
        { delivery: f!, attempt: succeeded(at(60)) },
        { delivery: e!, attempt: failed(at(50)) },
      ]);
      expect(third.map((result) => result.failingSince)).toEqual([null, at(40)]);
      expect(await endpointFailingSince()).toBeNull();
    });

    it('records an answer whose body holds NUL bytes, which Postgres text cannot store', async () => {
      const [delivery] = await claimed(1);
      const attempt = { ...succeeded(at(1)), responseExcerpt: 'bin\u0000ary' };
      const [result] = await recordAttempts(database.prisma, [{ delivery: delivery!, attempt }]);
      expect(result!.recorded).toBe(true);
      const row = await database.prisma.webhookAttempt.findFirstOrThrow({ where: { deliveryId: delivery!.id } });
      expect(row.responseExcerpt).toBe('bin\uFFFDary');
    });

    it('keeps a run of failures that began in an earlier batch', async () => {
      const [a, b] = await claimed(2);
      await recordAttempts(database.prisma, [{ delivery: a!, attempt: failed(at(5)) }]);
      const [later] = await recordAttempts(database.prisma, [{ delivery: b!, attempt: failed(at(9), { status: 'failed' }) }]);
      expect(later!.failingSince).toEqual(at(5));
      expect(await endpointFailingSince()).toEqual(at(5));
    });
  });
}

suite('PGlite', async () => ({ config: { kind: 'pglite', dataDir: 'memory://' }, cleanUp: async () => {} }));

if (postgresAvailable) {
  suite('Postgres', async () => {
    const testDatabase: TestDatabase = await createTestDatabase();
    return { config: { kind: 'postgres', url: testDatabase.url }, cleanUp: () => testDatabase.drop() };
  });
}
