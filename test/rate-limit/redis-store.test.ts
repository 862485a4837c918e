import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisRateLimitStore } from '../../core/rate-limit/redis-store.ts';
import { rateLimitContract } from './store-contract.ts';

const REDIS_URL = process.env['REDIS_URL'];

describe.runIf(REDIS_URL !== undefined)('Redis rate-limit store', () => {
  const clients: Redis[] = [];
  const prefix = `rl:test:${process.pid}:${randomUUID()}:`;
  // Connected before use, as the gateway does: the store fails fast until a client is ready.
  const client = async (): Promise<Redis> => {
    const redis = new Redis(REDIS_URL ?? '', { maxRetriesPerRequest: 1, lazyConnect: true });
    clients.push(redis);
    await redis.connect();
    return redis;
  };
  let redis: Redis;

  beforeAll(async () => {
    redis = await client();
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await Promise.all(clients.map((c) => c.quit()));
  });

  rateLimitContract('Redis', () => redisRateLimitStore({ redis, prefix }));

  it('admits exactly the limit across two replicas racing on one key', async () => {
    const replicaA = redisRateLimitStore({ redis: await client(), prefix });
    const replicaB = redisRateLimitStore({ redis: await client(), prefix });
    const windows = [
      { name: 'minute', limit: 25, windowMs: 60_000 },
      { name: 'hour', limit: 40, windowMs: 3_600_000 },
    ];
    const key = `race-${randomUUID()}`;
    const decisions = await Promise.all(
      Array.from({ length: 75 }, (_, i) => (i % 2 === 0 ? replicaA : replicaB).consume(key, windows)),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(25);
    // The 50 refusals counted nowhere: the hour still has 15 of its 40.
    const again = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? replicaB : replicaA).consume(key, windows)));
    expect(again.every((d) => !d.allowed && d.windows[1]?.remaining === 15)).toBe(true);
  });

  it('keeps one hash per principal under the prefix, expiring when every window is full again', async () => {
    const key = `ttl-${randomUUID()}`;
    const store = redisRateLimitStore({ redis, prefix });
    await store.consume(key, [
      { name: 'minute', limit: 4, windowMs: 300 },
      { name: 'hour', limit: 10, windowMs: 1_000 },
    ]);
    expect(await redis.type(`${prefix}${key}`)).toBe('hash');
    expect(Object.keys(await redis.hgetall(`${prefix}${key}`)).sort()).toEqual(['hour', 'minute']);
    const ttl = await redis.pttl(`${prefix}${key}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(100);
    await sleep(150);
    expect(await redis.exists(`${prefix}${key}`)).toBe(0);
  });

  it('uses rl: as the default prefix', async () => {
    const key = `test:${process.pid}:default-prefix-${randomUUID()}`;
    await redisRateLimitStore({ redis }).consume(key, [{ name: 'minute', limit: 1, windowMs: 200 }]);
    expect(await redis.exists(`rl:${key}`)).toBe(1);
    await redis.del(`rl:${key}`);
  });
});
