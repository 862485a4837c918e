import { Redis } from 'ioredis';
import { openDatabase, type Database } from '../prisma/database.ts';
import { passwordHasher } from '../subgraphs/auth/passwords.ts';
import type { SubgraphServices } from '../subgraphs/shared/services.ts';
import type { AppConfig } from './config.ts';
import type { EventBus } from './event-bus/event-bus.ts';
import { memoryEventBus } from './event-bus/memory-event-bus.ts';
import { redisEventBus } from './event-bus/redis-event-bus.ts';
import { accessTokens, type AccessTokens } from './identity/access-tokens.ts';
import type { Logger } from './logger.ts';

/** The clients one process owns, opened once at start and closed in reverse order. */
export interface PlatformServices {
  readonly database: Database;
  readonly redis: Redis | null;
  readonly events: EventBus;
  readonly accessTokens: AccessTokens;
  readonly subgraphServices: SubgraphServices;
  close(): Promise<void>;
}

export async function openPlatformServices(config: AppConfig, logger: Logger): Promise<PlatformServices> {
  const database = await openDatabase(config.database, { log: (line) => logger.info(line) });
  let redis: Redis | null = null;
  try {
    redis =
      config.redis.kind === 'redis'
        ? new Redis(config.redis.url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: true })
        : null;
    if (redis) {
      redis.on('error', (error: Error) => logger.warn({ err: error }, 'redis connection problem'));
      await redis.connect();
    }
    const events = redis ? await redisEventBus({ redis, logger }) : memoryEventBus();
    const tokens = await accessTokens(config.jwt);
    const subgraphServices: SubgraphServices = {
      prisma: database.prisma,
      events,
      logger,
      accessTokens: tokens,
      passwords: passwordHasher(),
      registrationEnabled: config.registrationEnabled,
    };
    return {
      database,
      redis,
      events,
      accessTokens: tokens,
      subgraphServices,
      async close() {
        await events.close();
        if (redis) await redis.quit().catch(() => redis?.disconnect());
        await database.close();
      },
    };
  } catch (error) {
    redis?.disconnect();
    await database.close();
    throw error;
  }
}
