import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { platformEvent } from '../../core/events/event-bus.ts';
import { openDatabase, type Database, type DatabaseConfig } from '../../prisma/database.ts';
import { Prisma } from '../../prisma/generated/client.ts';
import { MAX_AUTOMATION_CHAIN } from '../../schema/events.ts';
import { recordWebhookEvent } from '../../subgraphs/webhooks/outbox.ts';
import { claimRuns } from '../../subgraphs/webhooks/automations/run-queue.ts';
import { recordRunAttempt } from '../../subgraphs/webhooks/automations/run-recording.ts';
import { automationWorker } from '../../subgraphs/webhooks/automations/run-worker.ts';
import { memoryEventBus } from '../../core/events/memory-event-bus.ts';
import { createLogger } from '../../core/logger.ts';
import { eventually } from '../support/webhook-receiver.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.ts';

const SHORT_LEASE_MS = 150;
const keyCreated = (ownerId: string, name: string, causedBy: readonly string[] = []) =>
  platformEvent('api_key.created', ownerId, { keyId: '00000000-0000-4000-8000-000000000001', name, tier: 'free' }, causedBy);

function suite(kind: string, open: () => Promise<{ config: DatabaseConfig; cleanUp: () => Promise<void> }>) {
  describe(`the automation run queue (${kind})`, () => {
    let database: Database;
    let cleanUp: () => Promise<void>;
    let ownerId: string;
    let automationId: string;

    beforeAll(async () => {
      const opened = await open();
      cleanUp = opened.cleanUp;
      database = await openDatabase(opened.config);
      ownerId = (await database.prisma.user.create({ data: { email: `queue-${kind}@example.test`, passwordHash: 'x' } })).id;
    }, 60_000);
    afterAll(async () => {
      await database?.close();
      await cleanUp?.();
    });
    beforeEach(async () => {
      await database.prisma.automation.deleteMany({});
      automationId = (
        await database.prisma.automation.create({
          data: { ownerId, name: 'queued', eventType: 'api_key.created', condition: { name: 'match' }, actionKind: 'mutation', mutation: 'mutation { logout }' },
        })
      ).id;
    });

    const inTransaction = (event: ReturnType<typeof keyCreated>) => database.prisma.$transaction((tx) => recordWebhookEvent(tx, event));

    it("queues runs in the change's transaction: a rolled-back change leaves none", async () => {
      await expect(
        database.prisma.$transaction(async (tx) => {
          await recordWebhookEvent(tx, keyCreated(ownerId, 'match'));
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');
      expect(await database.prisma.automationRun.count()).toBe(0);
      await inTransaction(keyCreated(ownerId, 'match'));
      await inTransaction(keyCreated(ownerId, 'no match'));
      expect(await database.prisma.automationRun.count()).toBe(1);
    });

    it('runs an event relayed twice once', async () => {
      const event = keyCreated(ownerId, 'match');
      await inTransaction(event);
      await database.prisma.$transaction((tx) => recordWebhookEvent(tx, event, { triggersAutomations: true, endpointId: '00000000-0000-4000-8000-000000000009' }));
      expect(await database.prisma.automationRun.count({ where: { eventId: event.id } })).toBe(1);
    });

    it('holds a delayed run back until its delay has passed', async () => {
      await database.prisma.automation.update({ where: { id: automationId }, data: { delaySeconds: 3_600 } });
      await inTransaction(keyCreated(ownerId, 'match'));
      expect(await claimRuns(database.prisma, 10, 60_000)).toEqual([]);
      const [run] = await database.prisma.automationRun.findMany();
      expect(run!.nextAttemptAt.getTime() - Date.now()).toBeGreaterThan(3_500_000);
    });

    it('hands a run whose worker died to the next claim once the lease lapses, and drops the late answer of the dead one', async () => {
      await inTransaction(keyCreated(ownerId, 'match'));
      const [first] = await claimRuns(database.prisma, 10, SHORT_LEASE_MS);
      expect(first).toMatchObject({ attemptNumber: 1, automationId, ownerId, action: { kind: 'mutation', document: 'mutation { logout }' }, input: { name: 'match' } });
      // Claimed, it is nobody else's while the lease holds.
      expect(await claimRuns(database.prisma, 10, SHORT_LEASE_MS)).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, SHORT_LEASE_MS + 100));
      const [second] = await claimRuns(database.prisma, 10, 60_000);
      expect(second).toMatchObject({ id: first!.id, attemptNumber: 2 });

      const done = { startedAt: new Date(), durationMs: 4, outcome: { kind: 'succeeded', output: { ok: true } }, next: { status: 'succeeded' } } as const;
      expect(await recordRunAttempt(database.prisma, first!, done, 3)).toEqual({ recorded: false, disabled: null });
      expect(await recordRunAttempt(database.prisma, second!, done, 3)).toEqual({ recorded: true, disabled: null });
      const run = await database.prisma.automationRun.findUniqueOrThrow({ where: { id: first!.id }, include: { attempts: true } });
      expect(run).toMatchObject({ status: 'succeeded', attemptCount: 2, output: { ok: true }, claimToken: null });
      expect(run.attempts.map((attempt) => attempt.attemptNumber)).toEqual([2]);
    });

    it('gives concurrent claims disjoint runs (FOR UPDATE SKIP LOCKED)', async () => {
      for (let i = 0; i < 20; i += 1) await inTransaction(keyCreated(ownerId, 'match'));
      const claims = await Promise.all([1, 2, 3, 4].map(() => claimRuns(database.prisma, 10, 60_000)));
      const ids = claims.flat().map((run) => run.id);
      expect(ids).toHaveLength(20);
      expect(new Set(ids).size).toBe(20);
    });

    it('runs a run that comes due while a slow action is in flight: a slow action holds its own slot only', async () => {
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      const started: string[] = [];
      const worker = automationWorker({
        prisma: database.prisma,
        events: memoryEventBus(),
        logger: createLogger('silent'),
        actions: {
          webhook: async () => ({ kind: 'failed', error: 'not used' }),
          mutation: async (run) => {
            started.push(String(run.input['name']));
            if (run.input['name'] === 'slow') await held;
            return { kind: 'succeeded', output: null };
          },
        },
        retrySchedule: [0],
        disableAfter: 3,
        pollIntervalMs: 20,
        concurrency: 2,
        timeoutMs: 60_000,
      });
      const statusOf = async (name: string) =>
        (await database.prisma.automationRun.findFirstOrThrow({ where: { automationId, input: { path: ['name'], equals: name } } })).status;
      await database.prisma.automation.update({ where: { id: automationId }, data: { condition: Prisma.DbNull } });
      await inTransaction(keyCreated(ownerId, 'slow'));
      worker.start();
      try {
        await eventually(() => (started.includes('slow') ? true : undefined));
        await inTransaction(keyCreated(ownerId, 'quick'));
        await eventually(async () => ((await statusOf('quick')) === 'succeeded' ? true : undefined));
        expect(await statusOf('slow')).toBe('pending');
        release();
        await eventually(async () => ((await statusOf('slow')) === 'succeeded' ? true : undefined));
      } finally {
        release();
        await worker.stop();
      }
    });

    it('refuses, and records, a run whose event its own automation caused, or that a chain too long caused', async () => {
      const other = '00000000-0000-4000-8000-0000000000aa';
      await inTransaction(keyCreated(ownerId, 'match', [other, automationId]));
      await inTransaction(keyCreated(ownerId, 'match', Array.from({ length: MAX_AUTOMATION_CHAIN }, (_, i) => `00000000-0000-4000-8000-00000000000${i}`)));
      await inTransaction(keyCreated(ownerId, 'match', [other]));
      const runs = await database.prisma.automationRun.findMany({ orderBy: { createdAt: 'asc' } });
      expect(runs.map((run) => run.status).sort()).toEqual(['loop_stopped', 'loop_stopped', 'pending']);
      expect(runs.find((run) => run.causedBy.includes(automationId))!.lastError).toContain("caused by this automation's own action");
      expect(runs.find((run) => run.causedBy.length === MAX_AUTOMATION_CHAIN)!.lastError).toContain(`at most ${MAX_AUTOMATION_CHAIN} in a chain`);
      // Only the run the guard let through is ever claimed.
      expect((await claimRuns(database.prisma, 10, 60_000)).map((run) => run.causedBy)).toEqual([[other]]);
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
