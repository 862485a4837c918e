import { describe, expect, it } from 'vitest';
import type { UsageRecord } from '../../gateway/usage/usage-record.ts';
import { usageRecorder } from '../../gateway/usage/usage-recorder.ts';

const record = (n: number): UsageRecord => ({
  occurredAt: new Date(),
  requestId: `req_${n}`,
  transport: 'graphql',
  userId: null,
  apiKeyId: null,
  tier: null,
  module: null,
  operationName: 'Op',
  route: 'POST /graphql',
  status: 200,
  latencyMs: 1,
  bytesIn: 10,
  bytesOut: 20,
});

describe('the usage recorder', () => {
  it('writes in batches of batchSize, never more per write', async () => {
    const batches: number[] = [];
    const recorder = usageRecorder({ sink: async (records) => void batches.push(records.length), batchSize: 3, flushIntervalMs: 60_000 });
    for (let n = 0; n < 7; n += 1) recorder.record(record(n));
    await recorder.close();
    expect(batches.reduce((sum, size) => sum + size, 0)).toBe(7);
    expect(Math.max(...batches)).toBeLessThanOrEqual(3);
    expect(recorder.buffered()).toBe(0);
  });

  it('writes on its timer without a full batch', async () => {
    const written: UsageRecord[] = [];
    const recorder = usageRecorder({ sink: async (records) => void written.push(...records), flushIntervalMs: 20 });
    recorder.record(record(1));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(written.map((r) => r.requestId)).toEqual(['req_1']);
    await recorder.close();
  });

  it('never makes the caller wait: a slow database only fills the bounded buffer, and what overflows is counted', async () => {
    let release: () => void = () => {};
    const stuck = new Promise<void>((resolve) => (release = resolve));
    const recorder = usageRecorder({ sink: () => stuck, batchSize: 2, maxBuffered: 5, flushIntervalMs: 60_000 });
    const started = performance.now();
    for (let n = 0; n < 20; n += 1) recorder.record(record(n));
    expect(performance.now() - started).toBeLessThan(50);
    // Two went to the stuck write; five wait; thirteen were dropped.
    expect(recorder.buffered()).toBe(5);
    expect(recorder.dropped()).toBe(13);
    release();
    await recorder.close();
    expect(recorder.buffered()).toBe(0);
  });

  it('puts a failed batch back and writes it on the next flush: a transient database failure loses nothing', async () => {
    const written: string[] = [];
    const failures: number[] = [];
    let failing = true;
    const recorder = usageRecorder({
      sink: async (records) => {
        if (failing) throw new Error('database down');
        written.push(...records.map((r) => r.requestId));
      },
      batchSize: 2,
      flushIntervalMs: 60_000,
      onFlushError: (_error, records) => failures.push(records),
    });
    for (let n = 0; n < 5; n += 1) recorder.record(record(n));
    await recorder.flush();
    // The write stopped at the first failure; everything is still held.
    expect(failures).toEqual([2]);
    expect(recorder.buffered()).toBe(5);
    expect(recorder.dropped()).toBe(0);
    failing = false;
    await recorder.close();
    expect(written).toEqual(['req_0', 'req_1', 'req_2', 'req_3', 'req_4']);
    expect(recorder.dropped()).toBe(0);
  });

  it('while writes fail, drops only what arrives beyond the bound, and counts it', async () => {
    let failing = true;
    const written: string[] = [];
    const recorder = usageRecorder({
      sink: async (records) => {
        if (failing) throw new Error('database down');
        written.push(...records.map((r) => r.requestId));
      },
      batchSize: 2,
      maxBuffered: 4,
      flushIntervalMs: 60_000,
    });
    for (let n = 0; n < 4; n += 1) recorder.record(record(n));
    await recorder.flush();
    for (let n = 4; n < 7; n += 1) recorder.record(record(n));
    expect(recorder.buffered()).toBe(4);
    expect(recorder.dropped()).toBe(3);
    failing = false;
    await recorder.close();
    expect(written).toEqual(['req_0', 'req_1', 'req_2', 'req_3']);
  });
});

// The invariant the edge promises: every record handed to the recorder is written,
// or counted as dropped (and reported), never lost without a trace.
describe('the usage recorder, record for record', () => {
  const failing = (message: string) => Object.assign(new Error(message), { transient: message !== 'refused' });
  const retryable = (error: unknown) => (error as { transient?: boolean }).transient !== false;

  it('loses nothing when its failure hooks throw: the batch is still put back and retried', async () => {
    const written: string[] = [];
    let failures = 0;
    const recorder = usageRecorder({
      sink: async (records) => {
        if (failures < 2) {
          failures += 1;
          throw failing('database down');
        }
        written.push(...records.map((r) => r.requestId));
      },
      batchSize: 2,
      flushIntervalMs: 60_000,
      onFlushError: () => {
        throw new Error('the logger failed');
      },
      retryable: (error) => {
        if (failures === 2) throw new Error('the classifier failed');
        return retryable(error);
      },
    });
    for (let n = 0; n < 3; n += 1) recorder.record(record(n));
    await recorder.flush();
    await recorder.flush();
    await recorder.close();
    expect(written.sort()).toEqual(['req_0', 'req_1', 'req_2']);
    expect(recorder.dropped()).toBe(0);
  });

  it('at shutdown, retries failed writes until its deadline: a database back within it loses nothing', async () => {
    const written: string[] = [];
    const backAt = Date.now() + 300;
    const recorder = usageRecorder({
      sink: async (records) => {
        if (Date.now() < backAt) throw failing('database down');
        written.push(...records.map((r) => r.requestId));
      },
      batchSize: 2,
      flushIntervalMs: 60_000,
      closeTimeoutMs: 5_000,
    });
    for (let n = 0; n < 5; n += 1) recorder.record(record(n));
    await recorder.close();
    expect(written).toEqual(['req_0', 'req_1', 'req_2', 'req_3', 'req_4']);
    expect(recorder.dropped()).toBe(0);
  });

  it('at its shutdown deadline, counts and reports everything unwritten, a write still in flight included', async () => {
    const reported: Array<[number, string]> = [];
    const recorder = usageRecorder({
      // A database that never answers (frozen, no statement deadline).
      sink: () => new Promise<void>(() => {}),
      batchSize: 2,
      flushIntervalMs: 60_000,
      closeTimeoutMs: 200,
      onDropped: (records, reason) => reported.push([records, reason]),
    });
    for (let n = 0; n < 5; n += 1) recorder.record(record(n));
    const started = performance.now();
    await recorder.close();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(recorder.dropped()).toBe(5);
    expect(recorder.buffered()).toBe(0);
    expect(reported).toEqual([[5, 'shutdown']]);
  });

  it('counts a record that arrives after it closed, rather than keeping it where nothing will write it', async () => {
    const written: string[] = [];
    const recorder = usageRecorder({ sink: async (records) => void written.push(...records.map((r) => r.requestId)), flushIntervalMs: 60_000 });
    await recorder.close();
    recorder.record(record(1));
    expect(recorder.dropped()).toBe(1);
    expect(recorder.buffered()).toBe(0);
    expect(written).toEqual([]);
  });

  it('writing a refused batch one by one, puts the rest back when the database goes away meanwhile', async () => {
    const written: string[] = [];
    let singles = 0;
    const recorder = usageRecorder({
      sink: async (records) => {
        if (records.some((r) => r.requestId === 'req_1')) {
          if (records.length > 1) throw failing('refused');
          // The refused record is not refused alone: the database was away when it came.
          singles += 1;
          if (singles === 1) throw failing('database down');
        }
        if (records.length > 1) throw failing('refused');
        written.push(...records.map((r) => r.requestId));
      },
      retryable,
      batchSize: 3,
      flushIntervalMs: 60_000,
    });
    for (let n = 0; n < 3; n += 1) recorder.record(record(n));
    await recorder.flush();
    expect(written).toEqual(['req_0']);
    expect(recorder.buffered()).toBe(2);
    expect(recorder.dropped()).toBe(0);
    await recorder.close();
    expect(written.sort()).toEqual(['req_0', 'req_1', 'req_2']);
    expect(recorder.dropped()).toBe(0);
  });
});

describe('WebSocket usage', () => {
  it('records a message as a ws usage record and counts connections', async () => {
    const { gatewayMetrics } = await import('../../gateway/observability/gateway-metrics.ts');
    const { webSocketUsage } = await import('../../gateway/usage/websocket-usage.ts');
    const written: UsageRecord[] = [];
    const recorder = usageRecorder({ sink: async (records) => void written.push(...records), flushIntervalMs: 60_000 });
    const metrics = gatewayMetrics({ processMetrics: false });
    const ws = webSocketUsage(recorder, metrics);
    ws.opened();
    ws.message({
      principal: { kind: 'apiKey', userId: 'u1', keyId: 'k1', tier: 'pro', scopes: [], expiresAt: null, limits: { perMinute: null, perHour: null } },
      requestId: 'req_ws_1',
      operationName: 'OnTraining',
      status: 200,
      latencyMs: 3,
      bytesIn: 40,
      bytesOut: 0,
    });
    await recorder.close();
    expect(written).toEqual([expect.objectContaining({ transport: 'ws', route: 'WS /graphql', userId: 'u1', apiKeyId: 'k1', tier: 'pro', operationName: 'OnTraining' })]);
    expect(await metrics.registry.metrics()).toContain('gateway_websocket_connections 1');
  });
});
