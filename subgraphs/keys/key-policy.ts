import { insufficientPermissions, validationError } from '../../schema/errors.ts';
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

export type ApiKeyStatus = 'active' | 'expired' | 'revoked';

export function keyStatus(key: { revokedAt: Date | null; expiresAt: Date | null }, now = new Date()): ApiKeyStatus {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && key.expiresAt <= now) return 'expired';
  return 'active';
}
