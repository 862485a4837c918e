import type { Redis } from 'ioredis';
import type { EventBus } from '../../core/events/event-bus.ts';
import { memoryEventBus } from '../../core/events/memory-event-bus.ts';
import { redisEventBus } from '../../core/events/redis-event-bus.ts';
import type { Logger } from '../../core/logger.ts';
import { rateLimitedWarning } from '../../core/rate-limited-warning.ts';
import { memoryRateLimitStore } from '../../core/rate-limit/memory-store.ts';
import { redisRateLimitStore } from '../../core/rate-limit/redis-store.ts';
import { resilientStore, type RateLimitOutageStats } from '../../core/rate-limit/resilient-store.ts';
import type { RateLimitStore } from '../../core/rate-limit/store.ts';
import { openDatabase, type Database } from '../../prisma/database.ts';
import { memoryCrossingLatch, redisCrossingLatch, type CrossingLatch } from '../rate-limit/crossing-latch.ts';
import type { AppConfig } from './config/app-config.ts';

interface SharedState {
  /** Shared by the edge's request limits and the auth subgraph's login throttle. */
  readonly rateLimitStore: RateLimitStore;
  readonly events: EventBus;
  /** Remembers which usage thresholds a principal already crossed this window. */
  readonly latch: CrossingLatch;
}

/**
 * Where counters, events and latches live: this process's memory (embedded), or
 * a Redis that several replicas share. Chosen once, here.
 */
export type SharedStateStore =
  | (SharedState & { readonly kind: 'memory'; readonly redis: null; outages(): null })
  | (SharedState & { readonly kind: 'redis'; readonly redis: Redis; outages(): RateLimitOutageStats });

export interface Storage {
  /** PGlite in a local folder (embedded) or Postgres. */
  readonly database: Database;
  readonly shared: SharedStateStore;
  /** Closes the shared state, then Redis, then the database. */
  close(): Promise<void>;
}

async function openShared(config: Pick<AppConfig, 'redis' | 'rateLimits'>, logger: Logger): Promise<SharedStateStore> {
  if (config.redis.kind === 'memory') {
    return { kind: 'memory', redis: null, rateLimitStore: memoryRateLimitStore(), events: memoryEventBus(), latch: memoryCrossingLatch(), outages: () => null };
  }
  // Imported only when Redis is configured: an embedded gateway never loads the client.
  const { Redis } = await import('ioredis');
  const redis = new Redis(config.redis.url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: true });
  redis.on('error', (error: Error) => logger.warn({ err: error }, 'redis connection problem'));
  try {
    await redis.connect();
    const events = await redisEventBus({ redis, logger });
    // One line per window with a count, not one per request, while Redis is away.
    const warnStoreDown = rateLimitedWarning({ logger, message: 'rate-limit store unavailable' });
    const store = resilientStore(redisRateLimitStore({ redis }), {
      policy: config.rateLimits.outagePolicy,
      onError: (error, context) => warnStoreDown({ err: error, policy: context.policy }),
    });
    return { kind: 'redis', redis, rateLimitStore: store, events, latch: redisCrossingLatch(redis), outages: () => store.stats() };
  } catch (error) {
    redis.disconnect();
    throw error;
  }
}

/** Opens the database (migrating it) and the shared state: the first phase of every process. */
export async function openStorage(config: Pick<AppConfig, 'database' | 'redis' | 'rateLimits'>, logger: Logger): Promise<Storage> {
  const database = await openDatabase(config.database, { log: (line) => logger.info(line) });
  let shared: SharedStateStore;
  try {
    shared = await openShared(config, logger);
  } catch (error) {
    await database.close();
    throw error;
  }
  return {
    database,
    shared,
    async close() {
      await shared.rateLimitStore.close();
      await shared.events.close();
      if (shared.redis) await shared.redis.quit().catch(() => shared.redis?.disconnect());
      await database.close();
    },
  };
}
