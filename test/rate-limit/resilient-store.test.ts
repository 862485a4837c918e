import { describe, expect, it } from 'vitest';
import { RateLimitUnavailableError } from '../../core/rate-limit/outage-policy.ts';
import { resilientStore, RateLimitTimeoutError } from '../../core/rate-limit/resilient-store.ts';
import { memoryRateLimitStore } from '../../core/rate-limit/memory-store.ts';
import type { RateLimitStore, RateWindow } from '../../core/rate-limit/store.ts';

const windows = [
  { name: 'minute', limit: 2, windowMs: 60_000 },
  { name: 'hour', limit: 10, windowMs: 3_600_000 },
];

/** A store that works until told to fail or hang, like a Redis going away and back. */
function flakyStore(): RateLimitStore & { mode: 'up' | 'failing' | 'hanging' } {
  const memory = memoryRateLimitStore();
  const flaky = {
    mode: 'up' as 'up' | 'failing' | 'hanging',
    consume: (key: string, w: readonly RateWindow[], cost?: number) => {
      if (flaky.mode === 'failing') return Promise.reject(new Error('ECONNREFUSED'));
      if (flaky.mode === 'hanging') return new Promise<never>(() => {});
      return memory.consume(key, w, cost);
    },
    close: () => memory.close(),
  };
  return flaky;
}

describe('resilient rate-limit store', () => {
  it('fails open by default: admits uncounted, flags the decision, reports and counts the error', async () => {
    const inner = flakyStore();
    const errors: unknown[] = [];
    const store = resilientStore(inner, { onError: (error, context) => errors.push([error, context]) });
    inner.mode = 'failing';
    const decisions = await Promise.all([1, 2, 3].map(() => store.consume('k', windows)));
    expect(decisions.every((d) => d.allowed && d.degraded === true)).toBe(true);
    expect(decisions[0]?.windows.map((w) => w.remaining)).toEqual([1, 9]);
    expect(errors).toHaveLength(3);
    expect(errors[0]).toEqual([new Error('ECONNREFUSED'), { key: 'k', policy: 'fail-open' }]);
    expect(store.stats()).toEqual({ failures: 3, degradedAdmissions: 3 });

    inner.mode = 'up';
    const recovered = await store.consume('k', windows);
    expect(recovered).toMatchObject({ allowed: true });
    expect(recovered.degraded).toBeUndefined();
    expect(store.stats().failures).toBe(3);
  });

  it('fails closed with an error the edge maps to 503', async () => {
    const inner = flakyStore();
    const store = resilientStore(inner, { policy: 'fail-closed' });
    inner.mode = 'failing';
    const error = await store.consume('k', windows).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitUnavailableError);
    expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', cause: new Error('ECONNREFUSED') });
    expect(store.stats()).toEqual({ failures: 1, degradedAdmissions: 0 });
  });

  it('treats a decision slower than the timeout as an outage', async () => {
    const inner = flakyStore();
    const errors: unknown[] = [];
    const store = resilientStore(inner, { timeoutMs: 50, onError: (error) => errors.push(error) });
    inner.mode = 'hanging';
    const started = performance.now();
    expect((await store.consume('k', windows)).degraded).toBe(true);
    expect(performance.now() - started).toBeLessThan(200);
    expect(errors[0]).toBeInstanceOf(RateLimitTimeoutError);
  });

  it('does not mistake a caller error for an outage', async () => {
    const store = resilientStore(flakyStore());
    await expect(store.consume('k', windows, 0)).rejects.toThrow(RangeError);
    expect(store.stats().failures).toBe(0);
  });
});
