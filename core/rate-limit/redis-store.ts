import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { assertValidRequest, type RateWindow, type WindowState } from './gcra.ts';
import { GCRA_LUA } from './gcra-lua.ts';
import type { RateDecision, RateLimitStore } from './store.ts';

export interface RedisRateLimitStoreOptions {
  /** The caller's client; the store never closes it. */
  readonly redis: Redis;
  /**
   * Prepended to every principal key.
   * @default 'rl:'
   */
  readonly prefix?: string;
  /**
   * Throw at once while the client is not connected instead of letting ioredis
   * queue the command. A queued decision would still run after reconnecting,
   * consuming capacity for a request that was answered long ago, and the queue
   * grows for as long as the outage lasts. Clients made with `lazyConnect` that
   * have not connected yet (status `wait`) are let through so they connect.
   * @default true
   */
  readonly failFastWhenDisconnected?: boolean;
}

/** Rate-limit state shared by every gateway replica through one Redis. */
export function redisRateLimitStore(options: RedisRateLimitStoreOptions): RateLimitStore {
  const { redis } = options;
  const prefix = options.prefix ?? 'rl:';
  const failFast = options.failFastWhenDisconnected ?? true;
  const sha = createHash('sha1').update(GCRA_LUA).digest('hex');

  // EVALSHA keeps each decision to one short round trip; EVAL only after a
  // restarted or flushed Redis forgot the script (EVAL caches it again).
  async function runScript(key: string, args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(sha, 1, key, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(GCRA_LUA, 1, key, ...args);
    }
  }

  return {
    async consume(key: string, windows: readonly RateWindow[], cost = 1): Promise<RateDecision> {
      assertValidRequest(windows, cost);
      if (failFast && redis.status !== 'ready' && redis.status !== 'wait') {
        throw new Error(`rate limit: Redis client is ${redis.status}`);
      }
      const args: (string | number)[] = [cost];
      for (const w of windows) args.push(w.name, w.limit, w.windowMs);
      return decisionFrom(await runScript(prefix + key, args), windows);
    },
    async close(): Promise<void> {
      // The client belongs to the caller; nothing else is held.
    },
  };
}

function decisionFrom(reply: unknown, windows: readonly RateWindow[]): RateDecision {
  const values: unknown[] = Array.isArray(reply) ? reply : [];
  const numbers = values.filter((v): v is number => typeof v === 'number');
  if (numbers.length !== 2 + 3 * windows.length || numbers.length !== values.length) {
    throw new Error('rate limit: unexpected reply from the GCRA script');
  }
  const at = (i: number): number => numbers[i] ?? 0;
  const states = windows.map(
    (w, i): WindowState => ({
      name: w.name,
      limit: w.limit,
      windowMs: w.windowMs,
      remaining: at(2 + 3 * i),
      resetMs: at(3 + 3 * i),
      retryAfterMs: at(4 + 3 * i),
    }),
  );
  return { allowed: at(0) === 1, windows: states, retryAfterMs: at(1) };
}
