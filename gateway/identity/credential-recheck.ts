import type { GraphQLError } from 'graphql';
import type { PrismaClient } from '../../prisma/generated/client.ts';
import { unauthenticated } from '../../core/errors/errors.ts';
import type { Principal } from '../../core/identity/principal.ts';
import { tierRank } from '../../schema/tiers.ts';

/**
 * Whether a credential admitted earlier still holds, read from the record. Live
 * subscription connections are ended by revocation and tier events; when the bus
 * was away those events may be lost, so each connection's credential is read
 * again. Resolves to the reason to end it, or null.
 */
export type CredentialRecheck = (principal: Principal) => Promise<GraphQLError | null>;

export function credentialRecheck(prisma: PrismaClient): CredentialRecheck {
  return async (principal) => {
    if (principal.kind === 'user') {
      const [revoked, user] = await Promise.all([
        prisma.revokedToken.findUnique({ where: { jti: principal.tokenId }, select: { jti: true } }),
        prisma.user.findUnique({ where: { id: principal.userId }, select: { tier: true } }),
      ]);
      if (revoked) return unauthenticated('Token revoked');
      if (!user || user.tier !== principal.tier) return unauthenticated('Tier changed: reconnect with fresh credentials');
      return null;
    }
    const key = await prisma.apiKey.findUnique({ where: { id: principal.keyId }, select: { revokedAt: true, tier: true, owner: { select: { tier: true } } } });
    if (!key || key.revokedAt) return unauthenticated('API key revoked');
    const tier = tierRank(key.owner.tier) < tierRank(key.tier) ? key.owner.tier : key.tier;
    if (tier !== principal.tier) return unauthenticated('Tier changed: reconnect with fresh credentials');
    return null;
  };
}
