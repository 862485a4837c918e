import { Readable } from 'node:stream';
import { buildSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkEvent, type BulkEvent, type BulkEventSource } from '../../core/events/bulk-event.ts';
import { bulkQueue } from '../../gateway/bulk/bulk-queue.ts';
import { takeNextJob } from '../../gateway/bulk/bulk-worker.ts';
import { importIntake } from '../../gateway/bulk/import-intake.ts';
import { SUBSCRIPTION_FIELDS } from '../../gateway/subscriptions/subscription-fields.ts';
import { openDatabase, type Database } from '../../prisma/database.ts';
import type { PrismaClient } from '../../prisma/generated/client.ts';

const JOB: BulkEventSource = {
  id: 'job',
  ownerId: 'owner',
  kind: 'import',
  status: 'running',
  sequence: 0,
  totalRows: 2,
  invalidRows: 0,
  succeededRows: 0,
  failedRows: 0,
  cancelledRows: 0,
  error: null,
};

const schema = buildSchema('type Query { ok: Boolean } type Mutation { record(name: String!): Boolean }');

// A job's events carry its `sequence` so subscribers can order them and drop
// repeats; two events of one job must never share a number. The intake and a
// worker on another replica race for the moment a job becomes queued: here the
// worker claims it exactly then, before the intake's next statement.
describe('bulk job events', () => {
  let database: Database;
  let ownerId: string;

  beforeAll(async () => {
    database = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
    ownerId = (await database.prisma.user.create({ data: { email: 'sequence@example.test', passwordHash: 'x' } })).id;
  });
  afterAll(async () => {
    await database?.close();
  });

  it('never gives two events of one job the same sequence when a worker claims the job the moment it is queued', async () => {
    const base = database.prisma;
    const published: BulkEvent[] = [];
    const publish = async (event: BulkEvent) => {
      published.push(event);
    };
    const worker = { prisma: base, queue: bulkQueue(base, { leaseMs: 30_000 }), publish, recordStatusChange: async () => undefined };
    let claimed = false;
    const racing = base.$extends({
      query: {
        async $allOperations({ args, query }) {
          const result = await query(args);
          if (!claimed) {
            const queued = await base.bulkOperation.findFirst({ where: { ownerId, status: 'queued' } });
            if (queued) {
              claimed = true;
              expect(await takeNextJob(worker)).not.toBeNull();
            }
          }
          return result;
        },
      },
    }) as unknown as PrismaClient;

    const intake = importIntake({ prisma: racing, schema: () => schema, maxRows: 100, maxJsonDepth: 64, publish, recordStatusChange: async () => undefined });
    const operation = await intake({
      principal: { kind: 'user', userId: ownerId, tier: 'free', scopes: [] } as never,
      mutation: 'record',
      mapping: { name: 'name' },
      format: 'csv',
      filename: 'race.csv',
      source: Readable.from(['name\na\nb\n']),
    });

    expect(claimed).toBe(true);
    const ofJob = published.filter((event) => event.payload.operationId === operation.id);
    const sequences = ofJob.map((event) => event.payload.sequence);
    // On the bus the worker's event may come first; each carries its own change's number.
    const sequenceOf = (status: string) => ofJob.find((event) => event.payload.status === status)?.payload.sequence;
    expect(ofJob.map((event) => event.payload.status).sort()).toEqual(['queued', 'running']);
    expect(new Set(sequences).size).toBe(sequences.length);
    expect(sequenceOf('running')).toBe(sequenceOf('queued')! + 1);
  });

  it('delivers a subscriber only events newer than the last one of the same job, so crossed events arrive in order', () => {
    const field = SUBSCRIPTION_FIELDS['bulkOperationUpdated']!;
    const newer = field.newerOnly();
    const other = field.newerOnly();
    const event = (operationId: string, sequence: number) => bulkEvent({ ...JOB, id: operationId, sequence });
    expect([event('a', 2), event('a', 1), event('b', 1), event('a', 2), event('a', 3)].map(newer)).toEqual([true, false, true, false, true]);
    // Each subscriber keeps its own place.
    expect(other(event('a', 1))).toBe(true);
  });
});
