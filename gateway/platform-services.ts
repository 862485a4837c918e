import { Redis } from 'ioredis';
import { openDatabase, type Database } from '../prisma/database.ts';
import { passwordHasher } from '../subgraphs/auth/passwords.ts';
import type { SubgraphServices } from '../subgraphs/shared/services.ts';
import { ConfigError, type AppConfig } from './config.ts';
import type { EventBus } from './event-bus/event-bus.ts';
import { memoryEventBus } from './event-bus/memory-event-bus.ts';
import { redisEventBus } from './event-bus/redis-event-bus.ts';
import { accessTokens, type AccessTokens } from './identity/access-tokens.ts';
import type { Logger } from './logger.ts';
import { rateLimitResolver } from './rate-limit/limits.ts';
import { moduleUpstreams } from '../subgraphs/module/module-upstreams.ts';
import { moduleStatusBoard } from '../subgraphs/modules/status-board.ts';
import { memoryRateLimitStore } from './rate-limit/memory-store.ts';
import { redisRateLimitStore } from './rate-limit/redis-store.ts';
import { resilientStore, type RateLimitOutageStats } from './rate-limit/resilient-store.ts';
import type { RateLimitStore } from './rate-limit/store.ts';
import { loginThrottle } from '../subgraphs/auth/login-throttle.ts';
import { targetGuard } from '../subgraphs/webhooks/delivery/target-guard.ts';
import { startEventOutboxRelay } from '../subgraphs/shared/event-outbox.ts';
import { rateLimitedWarning } from './observability/rate-limited-warning.ts';

/** The clients one process owns, opened once at start and closed in reverse order. */
export interface PlatformServices {
  readonly database: Database;
  readonly redis: Redis | null;
  readonly events: EventBus;
  readonly accessTokens: AccessTokens;
  /** Shared by the edge's request limits and the auth subgraph's login throttle. */
  readonly rateLimitStore: RateLimitStore;
  /** Redis outages of the rate-limit store (fail-open admissions); null in memory, where there are none. */
  rateLimitOutages(): RateLimitOutageStats | null;
  readonly subgraphServices: SubgraphServices;
  /** Without PUBLIC_URL, upstreams are given this process's own address once it listens. */
  announceListeningUrl(url: string): void;
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
    const warnStoreDown = rateLimitedWarning({ logger, message: 'rate-limit store unavailable' });
    const resilient = redis
      ? resilientStore(redisRateLimitStore({ redis }), {
          policy: config.rateLimits.outagePolicy,
          onError: (error, context) => warnStoreDown({ err: error, policy: context.policy }),
        })
      : null;
    const rateLimitStore: RateLimitStore = resilient ?? memoryRateLimitStore();
    const tokens = await accessTokens(config.jwt);
    const upstreams = moduleUpstreams(config.modules, logger);
    const relay = redis ? startEventOutboxRelay({ prisma: database.prisma, events, logger }) : null;
    const moduleStatus = moduleStatusBoard({ upstreams, events, logger, intervalMs: config.modules.probeIntervalMs });
    let listeningUrl: string | null = null;
    const publicUrl = (): string => {
      const url = config.v1.publicUrl ?? listeningUrl;
      if (url === null) throw new ConfigError('PUBLIC_URL', 'is required where upstreams must call this process back and it does not listen for them');
      return url;
    };
    const subgraphServices: SubgraphServices = {
      prisma: database.prisma,
      events,
      logger,
      accessTokens: tokens,
      passwords: passwordHasher(),
      registrationEnabled: config.registrationEnabled,
      loginThrottle: loginThrottle({ store: rateLimitStore }),
      rateLimits: rateLimitResolver({ tiers: config.rateLimits.tiers }),
      moduleUpstreams: upstreams,
      moduleStatus,
      v1: { publicUrl, secret: config.v1.callbackSecret, uploadLinkTtlSeconds: config.v1.uploads.linkTtlSeconds },
      webhookTargets: targetGuard(config.webhooks.allowPrivateTargets),
    };
    return {
      database,
      redis,
      events,
      accessTokens: tokens,
      rateLimitStore,
      rateLimitOutages: () => resilient?.stats() ?? null,
      subgraphServices,
      announceListeningUrl(url) {
        listeningUrl = url;
      },
      async close() {
        moduleStatus.stop();
        await relay?.stop();
        await upstreams.close();
        await rateLimitStore.close();
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
