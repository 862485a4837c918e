import { accessTokens, type AccessTokens } from '../../core/identity/access-tokens.ts';
import type { Logger } from '../../core/logger.ts';
import { rateLimitResolver } from '../../core/rate-limit/limits.ts';
import { loginThrottle } from '../../subgraphs/auth/login-throttle.ts';
import { passwordHasher } from '../../subgraphs/auth/passwords.ts';
import { moduleUpstreams } from '../../subgraphs/module/module-upstreams.ts';
import { moduleStatusBoard } from '../../subgraphs/modules/status-board.ts';
import { startEventOutboxRelay } from '../../subgraphs/shared/event-outbox.ts';
import type { SubgraphServices } from '../../subgraphs/shared/services.ts';
import { targetGuard } from '../../subgraphs/webhooks/delivery/target-guard.ts';
import type { AppConfig } from './config/app-config.ts';
import { ConfigError } from './config/config-error.ts';
import type { Storage } from './storage.ts';
import { readFileSync } from 'node:fs';
import { mutationCheck } from '../../core/supergraph/mutation-check.ts';
import { SUPERGRAPH_PATH } from '../../core/supergraph/supergraph-path.ts';

/** What the subgraphs are given, built once over the storage a process opened. */
export interface PlatformServices {
  readonly accessTokens: AccessTokens;
  readonly subgraphServices: SubgraphServices;
  /** Without PUBLIC_URL, upstreams are given this process's own address once it listens. */
  announceListeningUrl(url: string): void;
  /** Stops the module probes and closes the upstream connection pools. */
  stopUpstreams(): Promise<void>;
  /** Stops republishing queued bus events (Redis only: in memory, publishing cannot fail). */
  stopEventRelay(): Promise<void>;
}

export async function platformServices(config: AppConfig, storage: Storage, logger: Logger): Promise<PlatformServices> {
  const { events, rateLimitStore } = storage.shared;
  const tokens = await accessTokens(config.jwt);
  const upstreams = moduleUpstreams(config.modules, logger);
  const relay = storage.shared.kind === 'redis' ? startEventOutboxRelay({ prisma: storage.database.prisma, events, logger }) : null;
  const moduleStatus = moduleStatusBoard({ upstreams, events, logger, intervalMs: config.modules.probeIntervalMs });
  let listeningUrl: string | null = null;
  const publicUrl = (): string => {
    const url = config.v1.publicUrl ?? listeningUrl;
    if (url === null) throw new ConfigError('PUBLIC_URL', 'is required where upstreams must call this process back and it does not listen for them');
    return url;
  };
  const subgraphServices: SubgraphServices = {
    prisma: storage.database.prisma,
    events,
    logger,
    accessTokens: tokens,
    passwords: passwordHasher(),
    registrationEnabled: config.registrationEnabled,
    loginThrottle: loginThrottle({ store: rateLimitStore }),
    sessions: config.sessions,
    rateLimits: rateLimitResolver({ tiers: config.rateLimits.tiers }),
    moduleUpstreams: upstreams,
    moduleStatus,
    v1: { publicUrl, secret: config.v1.callbackSecret, uploadLinkTtlSeconds: config.v1.uploads.linkTtlSeconds },
    webhookTargets: targetGuard(config.webhooks.allowPrivateTargets),
    // Our subgraphs serve our own supergraph only, so automations are checked against it.
    mutationCheck: mutationCheck(() => readFileSync(SUPERGRAPH_PATH, 'utf8')),
  };
  return {
    accessTokens: tokens,
    subgraphServices,
    announceListeningUrl(url) {
      listeningUrl = url;
    },
    async stopUpstreams() {
      moduleStatus.stop();
      await upstreams.close();
    },
    async stopEventRelay() {
      await relay?.stop();
    },
  };
}
