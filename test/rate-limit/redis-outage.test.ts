import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimitUnavailableError } from '../../core/rate-limit/outage-policy.ts';
import { redisRateLimitStore } from '../../core/rate-limit/redis-store.ts';
import { resilientStore } from '../../core/rate-limit/resilient-store.ts';
import { freePort } from '../support/processes.ts';
import { killRedis as kill, REDIS_SERVER, startRedis } from '../support/redis-server.ts';

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

describe.runIf(existsSync(REDIS_SERVER))('rate limiting through a Redis outage', () => {
  let port: number;
  let server: ChildProcess;
  let redis: Redis;

  beforeAll(async () => {
    port = await freePort();
    server = await startRedis(port);
    // ioredis defaults (offline queue, 20 retries per request), with quick reconnects for
    // the test: a decision queued during the outage would be replayed after it.
    redis = new Redis({ host: '127.0.0.1', port, lazyConnect: true, retryStrategy: () => 50 });
    redis.on('error', () => {});
    await redis.connect();
  });
  afterAll(async () => {
    redis.disconnect();
    await kill(server);
  });

  it('fails open or closed while Redis is down, and counts again once it is back, without a new store', async () => {
    const inner = redisRateLimitStore({ redis, prefix: `rl:outage:${randomUUID()}:` });
    const warnings: unknown[] = [];
    const open = resilientStore(inner, { policy: 'fail-open', timeoutMs: 200, onError: (error) => warnings.push(error) });
    const closed = resilientStore(inner, { policy: 'fail-closed', timeoutMs: 200 });
    const windows = [
      { name: 'minute', limit: 3, windowMs: 60_000 },
      { name: 'hour', limit: 50, windowMs: 3_600_000 },
    ];

    expect((await open.consume('p', windows)).windows[0]?.remaining).toBe(2);
    expect((await closed.consume('p', windows)).windows[0]?.remaining).toBe(1);

    await kill(server);
    await until(() => redis.status !== 'ready');

    const started = performance.now();
    const degraded = await Promise.all([1, 2, 3, 4, 5].map(() => open.consume('p', windows)));
    expect(performance.now() - started).toBeLessThan(250);
    expect(degraded.every((d) => d.allowed && d.degraded === true)).toBe(true);
    expect(warnings).toHaveLength(5);
    expect(open.stats()).toEqual({ failures: 5, degradedAdmissions: 5 });
    await expect(closed.consume('p', windows)).rejects.toBeInstanceOf(RateLimitUnavailableError);
    expect(closed.stats()).toEqual({ failures: 1, degradedAdmissions: 0 });

    server = await startRedis(port);
    await until(() => redis.status === 'ready');

    // A fresh server: nothing survived, nothing queued during the outage was replayed,
    // and the script is loaded again through the EVAL fallback.
    const resumed = await Promise.all(Array.from({ length: 6 }, () => open.consume('p', windows)));
    expect(resumed.filter((d) => d.allowed)).toHaveLength(3);
    expect(resumed.some((d) => d.degraded)).toBe(false);
    const refused = await closed.consume('p', windows);
    expect(refused).toMatchObject({ allowed: false });
    expect(refused.windows[1]?.remaining).toBe(47);
    expect(open.stats().failures).toBe(5);
  });

  it('times out a decision Redis does not answer, under either policy', async () => {
    const inner = redisRateLimitStore({ redis, prefix: `rl:outage:${randomUUID()}:` });
    const windows = [{ name: 'minute', limit: 3, windowMs: 60_000 }];
    // A stalled server: connected and ready, but answering nothing.
    server.kill('SIGSTOP');
    try {
      const open = resilientStore(inner, { timeoutMs: 100 });
      const closed = resilientStore(inner, { policy: 'fail-closed', timeoutMs: 100 });
      const started = performance.now();
      expect((await open.consume('p', windows)).degraded).toBe(true);
      await expect(closed.consume('p', windows)).rejects.toBeInstanceOf(RateLimitUnavailableError);
      expect(performance.now() - started).toBeLessThan(400);
    } finally {
      server.kill('SIGCONT');
    }
  });
});
