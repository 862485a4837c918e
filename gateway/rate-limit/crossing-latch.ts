import type { Redis } from 'ioredis';

/**
 * Remembers that something happened for a while, so a usage level hovering
 * around a threshold is announced once per window, not at every wobble. With
 * Redis the latch is shared, so replicas announce a crossing once between them.
 */
export interface CrossingLatch {
  /** True only for the first claim of `key` within `ttlMs`. */
  claim(key: string, ttlMs: number): Promise<boolean>;
}

export function memoryCrossingLatch(now: () => number = Date.now): CrossingLatch {
  const until = new Map<string, number>();
  return {
    async claim(key, ttlMs) {
      const at = now();
      if ((until.get(key) ?? 0) > at) return false;
      // Expired entries are dropped as the map grows, so it stays as big as the live latches.
      if (until.size >= 10_000) for (const [stale, expiry] of until) if (expiry <= at) until.delete(stale);
      until.set(key, at + ttlMs);
      return true;
    },
  };
}

export function redisCrossingLatch(redis: Redis, prefix = 'usage:crossing:'): CrossingLatch {
  return {
    async claim(key, ttlMs) {
      return (await redis.set(`${prefix}${key}`, '1', 'PX', ttlMs, 'NX')) === 'OK';
    },
  };
}
