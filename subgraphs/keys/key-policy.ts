import { insufficientPermissions, insufficientTier, validationError } from '../../core/errors/errors.ts';
import { isScope, type Scope } from '../../schema/scopes.ts';
import { tierAtLeast, tierRank, type Tier } from '../../schema/tiers.ts';

/**
 * A key never holds more than whoever creates it: not above the owner's current
 * tier, not above the creating credential's tier, not beyond either's scopes.
 */
export interface KeyGrant {
  readonly tier: Tier;
  readonly scopes: Scope[];
}

export function grantFor(
  requested: { tier?: Tier | null | undefined; scopes?: readonly string[] | null | undefined },
  ceiling: { ownerTier: Tier; callerTier: Tier; callerScopes: readonly Scope[] },
): KeyGrant {
  const maxTier = tierRank(ceiling.ownerTier) <= tierRank(ceiling.callerTier) ? ceiling.ownerTier : ceiling.callerTier;
  const tier = requested.tier ?? maxTier;
  if (!tierAtLeast(maxTier, tier)) {
    throw insufficientPermissions(`A key's tier cannot exceed yours: requested '${tier}', your tier: '${maxTier}'`);
  }
  if (!requested.scopes) return { tier, scopes: [...ceiling.callerScopes] };
  const scopes: Scope[] = [];
  for (const scope of new Set(requested.scopes)) {
    if (!isScope(scope)) throw validationError(`Unknown scope '${scope}'`, 'scopes');
    if (!ceiling.callerScopes.includes(scope)) throw insufficientPermissions(`A key cannot hold the '${scope}' scope, which you do not hold`);
    scopes.push(scope);
  }
  return { tier, scopes };
}

/** Own limits are a pro feature, and never above what the key's tier allows. */
export function checkKeyLimits(
  requested: { perMinute: number | null; perHour: number | null },
  callerTier: Tier,
  tierLimits: { perMinute: number; perHour: number },
): void {
  if (requested.perMinute === null && requested.perHour === null) return;
  if (!tierAtLeast(callerTier, 'pro')) throw insufficientTier('Custom key limits', 'pro', callerTier);
  if (requested.perMinute !== null && requested.perMinute > tierLimits.perMinute) {
    throw validationError(`limitPerMinute cannot exceed the tier's ${tierLimits.perMinute}`, 'limitPerMinute');
  }
  if (requested.perHour !== null && requested.perHour > tierLimits.perHour) {
    throw validationError(`limitPerHour cannot exceed the tier's ${tierLimits.perHour}`, 'limitPerHour');
  }
}

export type ApiKeyStatus = 'active' | 'expired' | 'revoked';

export function keyStatus(key: { revokedAt: Date | null; expiresAt: Date | null }, now = new Date()): ApiKeyStatus {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && key.expiresAt <= now) return 'expired';
  return 'active';
}
