import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../prisma/database.ts';
import { prismaUsageSink } from '../../gateway/usage/prisma-usage-sink.ts';
import type { UsageRecord } from '../../gateway/usage/usage-record.ts';
import { retryableUsageWrite, usageRecorder } from '../../gateway/usage/usage-recorder.ts';

const record = (requestId: string, userId: string | null): UsageRecord => ({
  occurredAt: new Date(),
  requestId,
  transport: 'graphql',
  userId,
  apiKeyId: null,
  tier: 'free',
  module: null,
  operationName: 'Op',
  route: 'POST /graphql',
  status: 200,
  latencyMs: 1,
  bytesIn: 10,
  bytesOut: 20,
});

// A record Postgres refuses for its content (here a request id holding a NUL byte, 22021)
// is refused now and on every retry.
describe('usage records the database refuses for their content (real PGlite)', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
  });
  afterAll(() => database?.close());

  it('drops and counts only the refused record, writes the rest of its batch, and does not retry it forever', async () => {
    let writes = 0;
    const sink = prismaUsageSink(database.prisma);
    const recorder = usageRecorder({
      sink: async (records) => {
        writes += 1;
        await sink(records);
      },
      retryable: retryableUsageWrite,
      batchSize: 10,
      flushIntervalMs: 60_000,
    });
    recorder.record(record('req_good_1', null));
    recorder.record(record('req_refused\u0000', null));
    recorder.record(record('req_good_2', '00000000-0000-4000-8000-000000000001'));
    await recorder.flush();
    expect(recorder.buffered()).toBe(0);
    expect(recorder.dropped()).toBe(1);
    const rows = await database.prisma.$queryRaw<Array<{ request_id: string }>>`SELECT request_id FROM usage_records ORDER BY request_id`;
    expect(rows.map((row) => row.request_id)).toEqual(['req_good_1', 'req_good_2']);
    const writesAfterFirstFlush = writes;
    await recorder.flush();
    expect(writes).toBe(writesAfterFirstFlush);
    await recorder.close();
  });
});
