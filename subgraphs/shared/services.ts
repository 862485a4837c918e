import type { PrismaClient } from '../../prisma/generated/client.ts';
import type { EventBus } from '../../gateway/event-bus/event-bus.ts';
import type { AccessTokens } from '../../gateway/identity/access-tokens.ts';
import type { Logger } from '../../gateway/logger.ts';
import type { RateLimitResolver } from '../../gateway/rate-limit/limits.ts';
import type { ModuleUpstreams } from '../module/module-upstreams.ts';
import type { ModuleStatusBoard } from '../modules/status-board.ts';
import type { LoginThrottle } from '../auth/login-throttle.ts';
import type { PasswordHasher } from '../auth/passwords.ts';
import type { TargetGuard } from '../webhooks/delivery/target-guard.ts';

/** The clients a subgraph is handed; none of them is a module-level singleton. */
export interface SubgraphServices {
  readonly prisma: PrismaClient;
  readonly events: EventBus;
  readonly logger: Logger;
  readonly accessTokens: AccessTokens;
  readonly passwords: PasswordHasher;
  readonly registrationEnabled: boolean;
  readonly loginThrottle: LoginThrottle;
  /** The configured tier limits; a key's own limits may not exceed its tier's. */
  readonly rateLimits: RateLimitResolver;
  readonly moduleUpstreams: ModuleUpstreams;
  readonly moduleStatus: ModuleStatusBoard;
  /** Refuses webhook URLs on addresses configuration does not allow (SSRF). */
  readonly webhookTargets: TargetGuard;
}
