import { describe, expect, it } from 'vitest';
import { memoryRateLimitStore } from '../../core/rate-limit/memory-store.ts';
import { rateLimitContract } from './store-contract.ts';

rateLimitContract('memory', () => memoryRateLimitStore());

describe('memory rate-limit store', () => {
  it('forgets a key once all its windows are full again, so memory stays bounded', async () => {
    const T0 = 1_750_000_000_000;
    let nowMs = T0;
    const store = memoryRateLimitStore({ now: () => nowMs, sweepIntervalMs: 1_000 });
    // The long window needs 600 s to refill after one request.
    const windows = [
      { name: 'minute', limit: 2, windowMs: 60_000 },
      { name: 'long', limit: 10, windowMs: 6_000_000 },
    ];
    for (let i = 0; i < 100; i += 1) await store.consume(`idle-${i}`, windows);
    expect(store.size()).toBe(100);

    nowMs = T0 + 300_000;
    expect((await store.consume('idle-0', windows)).windows.map((w) => w.remaining)).toEqual([1, 8]);

    nowMs = T0 + 599_999;
    await store.consume('busy', windows);
    expect(store.size()).toBe(101);

    // Idle since T0 + 600 s; swept at the next sweep, a second after the last one.
    nowMs = T0 + 600_999;
    await store.consume('busy', windows);
    expect(store.size()).toBe(2);
  });
});
