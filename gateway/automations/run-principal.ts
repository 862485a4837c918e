import type { ClaimedRun } from '../../core/automations/run-types.ts';
import type { Principal } from '../../core/identity/principal.ts';
import type { PrismaClient } from '../../prisma/generated/client.ts';
import { isScope } from '../../schema/scopes.ts';
import { tierRank, type Tier } from '../../schema/tiers.ts';

export type RunPrincipal = { readonly kind: 'acting'; readonly principal: Principal } | { readonly kind: 'refused'; readonly error: string };

/** How long the identity of one attempt is good for; it is rebuilt at every attempt. */
const RUN_TOKEN_TTL_SECONDS = 300;

const lowerTier = (a: Tier, b: Tier): Tier => (tierRank(a) <= tierRank(b) ? a : b);

/**
 * Who a mutation action acts as, read afresh at each attempt (a tier or scope
 * change applies to the next run). Set up by the owner signed in: the owner, with
 * their tier and scopes. Set up with an API key: that key, so an automation can
 * never do more than the key that made it (its scopes, its tier, its limits), and
 * stops acting once the key is revoked or expires. Never MFA-verified: fields that
 * demand a second factor refuse automations.
 */
export async function runPrincipal(prisma: Pick<PrismaClient, 'user' | 'apiKey'>, run: ClaimedRun): Promise<RunPrincipal> {
  const owner = await prisma.user.findUnique({ where: { id: run.ownerId }, select: { id: true, tier: true, scopes: true } });
  if (!owner) return { kind: 'refused', error: 'the owner no longer exists' };
  const ownerScopes = owner.scopes.filter(isScope);
  if (run.actingKeyId === null) {
    return {
      kind: 'acting',
      principal: {
        kind: 'user',
        userId: owner.id,
        tier: owner.tier,
        scopes: ownerScopes,
        tokenId: `automation-run:${run.id}`,
        expiresAt: Math.floor(Date.now() / 1000) + RUN_TOKEN_TTL_SECONDS,
        mfaVerified: false,
        mfaRequired: true,
      },
    };
  }
  const key = await prisma.apiKey.findUnique({ where: { id: run.actingKeyId } });
  if (!key || key.ownerId !== owner.id) return { kind: 'refused', error: 'the API key that set up this automation no longer exists' };
  if (key.revokedAt) return { kind: 'refused', error: 'the API key that set up this automation is revoked' };
  if (key.expiresAt && key.expiresAt <= new Date()) return { kind: 'refused', error: 'the API key that set up this automation has expired' };
  return {
    kind: 'acting',
    principal: {
      kind: 'apiKey',
      userId: owner.id,
      keyId: key.id,
      tier: lowerTier(key.tier, owner.tier),
      scopes: key.scopes.filter(isScope).filter((scope) => ownerScopes.includes(scope)),
      expiresAt: key.expiresAt ? Math.floor(key.expiresAt.getTime() / 1000) : null,
      limits: { perMinute: key.limitPerMinute, perHour: key.limitPerHour },
    },
  };
}
