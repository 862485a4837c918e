import type { PrismaClient } from '../../prisma/generated/client.ts';
import type { EventBus } from '../../core/events/event-bus.ts';
import type { AccessTokens } from '../../core/identity/access-tokens.ts';
import type { Logger } from '../../core/logger.ts';
import type { RateLimitResolver } from '../../core/rate-limit/limits.ts';
import type { ModuleUpstreams } from '../module/module-upstreams.ts';
import type { ModuleStatusBoard } from '../modules/status-board.ts';
import type { LoginThrottle } from '../auth/login-throttle.ts';
import type { PasswordHasher } from '../auth/passwords.ts';
import type { SessionSettings } from '../auth/session-settings.ts';
import type { TargetGuard } from '../webhooks/delivery/target-guard.ts';
import type { MutationCheck } from '../../core/supergraph/mutation-check.ts';

/** The clients a subgraph is handed; none of them is a module-level singleton. */
export interface SubgraphServices {
  readonly prisma: PrismaClient;
  readonly events: EventBus;
  readonly logger: Logger;
  readonly accessTokens: AccessTokens;
  readonly passwords: PasswordHasher;
  readonly registrationEnabled: boolean;
  readonly loginThrottle: LoginThrottle;
  readonly sessions: SessionSettings;
  /** The configured tier limits; a key's own limits may not exceed its tier's. */
  readonly rateLimits: RateLimitResolver;
  readonly moduleUpstreams: ModuleUpstreams;
  readonly moduleStatus: ModuleStatusBoard;
  /** Refuses webhook URLs on addresses configuration does not allow (SSRF). */
  readonly webhookTargets: TargetGuard;
  /** Checks an automation's mutation against the supergraph before it is stored. */
  readonly mutationCheck: MutationCheck;
  /** The /v1 services' links back to this gateway and the secret that signs them. */
  readonly v1: V1Links;
}

export interface V1Links {
  /** Where upstreams reach the gateway: PUBLIC_URL, or the address this gateway listens on. */
  readonly publicUrl: () => string;
  /** TRAINING_CALLBACK_SECRET: job callback secrets, upload links and upload tickets derive from it. */
  readonly secret: Uint8Array;
  /** Lifetime of an upload download link handed to an upstream. */
  readonly uploadLinkTtlSeconds: number;
}
