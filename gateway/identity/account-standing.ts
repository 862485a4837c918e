import type { PrismaClient } from '../../prisma/generated/client.ts';
import { unauthenticated } from '../../core/errors/errors.ts';
import type { Tier } from '../../schema/tiers.ts';
import type { EventBus } from '../../core/events/event-bus.ts';
import type { AccessClaims } from '../../core/identity/access-tokens.ts';

export interface AccountStandingOptions {
  readonly prisma: PrismaClient;
  /** `user.tier_changed` evicts the user at once, on every replica (Redis pub/sub with REDIS_URL). */
  readonly events: EventBus;
  /** How long an account's tier and scopes are trusted without a database read (API_KEY_CACHE_TTL_MS). */
  readonly cacheTtlMs: number;
  /** @default 10000 */
  readonly maxEntries?: number;
}

/**
 * Whether an access token still describes its account. A token's tier and scopes
 * are claims fixed when it was signed; a demotion must not leave a day-long token
 * carrying the old tier. So each request compares the claims with the account as
 * it is (cached per user, evicted by `user.tier_changed`): a changed tier, scopes
 * no longer held, or an account that is gone refuse the token, and the holder
 * signs in again for a token of the account's current standing.
 */
export interface AccountStanding {
  /** Throws UNAUTHENTICATED when the token no longer matches its account. */
  check(claims: AccessClaims): Promise<void>;
  close(): void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Standing = { readonly tier: Tier; readonly scopes: ReadonlySet<string> } | null;

export function accountStanding(options: AccountStandingOptions): AccountStanding {
  const maxEntries = options.maxEntries ?? 10_000;
  const cached = new Map<string, { readonly standing: Standing; readonly until: number }>();
  // A read started before an eviction may finish after it; its result must not be cached.
  const generation = new Map<string, number>();
  // Bumped when the bus was away and every user's standing is read again.
  let epoch = 0;

  const unsubscribe = options.events.subscribe((event) => {
    if (event.type !== 'user.tier_changed') return;
    cached.delete(event.payload.userId);
    generation.set(event.payload.userId, (generation.get(event.payload.userId) ?? 0) + 1);
  });
  // Tier changes published while the bus was away were never heard.
  const stopForgetting = options.events.onResumed(() => {
    epoch += 1;
    cached.clear();
  });

  const standingOf = async (userId: string): Promise<Standing> => {
    const hit = cached.get(userId);
    if (hit && hit.until > Date.now()) return hit.standing;
    const started = generation.get(userId) ?? 0;
    const startedEpoch = epoch;
    // Our tokens name accounts by UUID; any other subject is no account of ours (and would fail the uuid column).
    if (!UUID.test(userId)) return null;
    const user = await options.prisma.user.findUnique({ where: { id: userId }, select: { tier: true, scopes: true } });
    const standing: Standing = user ? { tier: user.tier, scopes: new Set(user.scopes) } : null;
    if ((generation.get(userId) ?? 0) === started && epoch === startedEpoch) {
      if (cached.size >= maxEntries) cached.delete(cached.keys().next().value as string);
      cached.set(userId, { standing, until: Date.now() + options.cacheTtlMs });
    }
    return standing;
  };

  return {
    async check(claims) {
      const standing = await standingOf(claims.userId);
      if (!standing) throw unauthenticated('The account of this token no longer exists');
      if (standing.tier !== claims.tier || !claims.scopes.every((scope) => standing.scopes.has(scope))) {
        throw unauthenticated("The account's tier or scopes changed since this token was issued; sign in again");
      }
    },
    close() {
      unsubscribe();
      stopForgetting();
    },
  };
}
