import { describe, expect, it } from 'vitest';
import { memoryEventBus } from '../../core/events/memory-event-bus.ts';
import { createLogger } from '../../core/logger.ts';
import { memoryCrossingLatch } from '../../gateway/rate-limit/crossing-latch.ts';
import { memoryRateLimitStore } from '../../core/rate-limit/memory-store.ts';
import { usageAlerts } from '../../gateway/rate-limit/usage-alerts.ts';
import { thresholdsCrossed } from '../../gateway/rate-limit/usage-thresholds.ts';
import type { AnyPlatformEvent } from '../../schema/events.ts';
import type { Principal } from '../../core/identity/principal.ts';

const WINDOWS = [
  { name: 'minute', limit: 10, windowMs: 60_000 },
  { name: 'hour', limit: 1000, windowMs: 3_600_000 },
];
const alice: Principal = { kind: 'user', userId: 'u-alice', tier: 'free', scopes: [], tokenId: 't1', expiresAt: 2_000_000_000, mfaVerified: false, mfaRequired: false };

describe('usage threshold crossings', () => {
  it('finds the request that reaches 80% and the one that reaches 100%, nothing else', async () => {
    const store = memoryRateLimitStore();
    const crossedAt: Array<[number, number]> = [];
    for (let request = 1; request <= 12; request += 1) {
      for (const crossing of thresholdsCrossed(await store.consume('k', WINDOWS))) crossedAt.push([request, crossing.threshold]);
    }
    expect(crossedAt).toEqual([
      [8, 80],
      [10, 100],
    ]);
  });

  it('publishes each crossing once per window even when use wobbles around the threshold', async () => {
    const events = memoryEventBus();
    const seen: AnyPlatformEvent[] = [];
    events.subscribe((event) => seen.push(event));
    const alerts = usageAlerts({ events, latch: memoryCrossingLatch(), logger: createLogger('silent') });
    const at80 = { allowed: true, retryAfterMs: 0, windows: [{ name: 'minute', limit: 10, windowMs: 60_000, remaining: 2, resetMs: 30_000, retryAfterMs: 0 }] };
    alerts(alice, at80);
    alerts(alice, at80);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      type: 'usage.threshold_crossed',
      ownerId: 'u-alice',
      payload: { principal: 'user:u-alice', keyId: null, window: 'minute', threshold: 80, limit: 10, remaining: 2 },
    });
  });
});
