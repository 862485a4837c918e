import { describe, expect, it } from 'vitest';
import { attemptBatcher } from '../../subgraphs/webhooks/delivery/attempt-batcher.ts';
import type { AttemptEntry } from '../../subgraphs/webhooks/delivery/attempt-recording.ts';
import type { RecordedAttempt } from '../../subgraphs/webhooks/delivery/delivery-queue.ts';

/** Entries only need an identity here: the writer below records by id. */
const entry = (id: string) => ({ delivery: { id }, attempt: {} }) as unknown as AttemptEntry;
const recorded: RecordedAttempt = { recorded: true, failingSince: null };

describe('attempt batcher (group commit)', () => {
  it('writes what finishes during a write in the next one, one write at a time', async () => {
    const writes: string[][] = [];
    let writing = 0;
    let overlapped = false;
    const batcher = attemptBatcher({
      maxBatch: 100,
      async recordMany(entries) {
        writing += 1;
        if (writing > 1) overlapped = true;
        writes.push(entries.map((e) => e.delivery.id));
        await new Promise((resolve) => setTimeout(resolve, 20));
        writing -= 1;
        return entries.map(() => recorded);
      },
    });
    const first = Array.from({ length: 30 }, (_, i) => batcher.record(entry(`a${i}`)));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = Array.from({ length: 20 }, (_, i) => batcher.record(entry(`b${i}`)));
    expect(await Promise.all([...first, ...second])).toHaveLength(50);
    expect(overlapped).toBe(false);
    expect(writes.map((ids) => ids.length)).toEqual([30, 20]);
  });

  it('caps a write at maxBatch', async () => {
    const sizes: number[] = [];
    const batcher = attemptBatcher({ maxBatch: 8, recordMany: async (entries) => (sizes.push(entries.length), entries.map(() => recorded)) });
    await Promise.all(Array.from({ length: 20 }, (_, i) => batcher.record(entry(`c${i}`))));
    expect(sizes).toEqual([8, 8, 4]);
  });

  it('retries a failed batch one attempt at a time, so one rejected row fails alone', async () => {
    const batcher = attemptBatcher({
      maxBatch: 10,
      async recordMany(entries) {
        if (entries.some((e) => e.delivery.id === 'bad')) throw new Error('invalid byte sequence');
        return entries.map(() => recorded);
      },
    });
    const results = await Promise.allSettled(['x', 'bad', 'y'].map((id) => batcher.record(entry(id))));
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});
