import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { unauthenticated } from '../../core/errors/errors.ts';
import { platformEvent } from '../../core/events/event-bus.ts';
import type { PlatformEvent } from '../../schema/events.ts';
import type { AccessTokens, IssuedToken } from '../../core/identity/access-tokens.ts';
import { asScopes } from '../../core/identity/scopes.ts';
import type { PrismaClient } from '../../prisma/generated/client.ts';
import type { Tier } from '../../schema/tiers.ts';
import { recordEventForReplicas, type CommittedEventPublisher } from '../shared/event-outbox.ts';

export interface RefreshSessionsOptions {
  readonly prisma: PrismaClient;
  readonly accessTokens: AccessTokens;
  readonly publishCommitted: CommittedEventPublisher;
  /** REFRESH_TOKEN_TTL in seconds. */
  readonly refreshTtlSeconds: number;
  /** Whether the account must sign in with a second factor (a confirmed factor, or REQUIRE_MFA). */
  readonly mfaRequired: (user: { id: string; tier: Tier }) => Promise<boolean>;
}

export interface SessionTokens {
  readonly access: IssuedToken;
  readonly refreshToken: string;
  readonly refreshExpiresAt: Date;
}

type SessionUser = { id: string; email: string; tier: Tier; scopes: string[]; createdAt: Date };

export interface RefreshSessions {
  /** A new family: the first access token and refresh token of a sign-in. */
  start(user: SessionUser, how: { mfaVerified: boolean }): Promise<SessionTokens>;
  /**
   * Trades a refresh token for the next pair of its family. A token already traded (or
   * traded concurrently) revokes the whole family and its access tokens: one of its two
   * holders is not the user. `callerId` is the account of a token sent with the call, if any.
   */
  rotate(refreshToken: string, callerId: string | null): Promise<SessionTokens & { user: SessionUser }>;
  /** Revokes the family the given access token belongs to (logout); false when it has none. */
  revokeFamilyOf(accessTokenId: string): Promise<boolean>;
  /** Revokes every sign-in of the account (a second factor was just enabled: tokens without it must go). */
  revokeAllOf(userId: string): Promise<void>;
}

const TOKEN_PREFIX = 'rt_';
const hashOf = (token: string): string => createHash('sha256').update(token).digest('hex');

export function refreshSessions(options: RefreshSessionsOptions): RefreshSessions {
  const { prisma } = options;

  const issuePair = async (user: SessionUser, familyId: string, mfaVerified: boolean) => {
    const mfaRequired = await options.mfaRequired(user);
    const access = await options.accessTokens.issue({ userId: user.id, tier: user.tier, scopes: asScopes(user.scopes), mfaVerified, mfaRequired });
    const refreshToken = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const refreshExpiresAt = new Date(Date.now() + options.refreshTtlSeconds * 1000);
    const row = {
      hash: hashOf(refreshToken),
      familyId,
      userId: user.id,
      accessTokenId: access.tokenId,
      accessExpiresAt: access.expiresAt,
      mfaVerified,
      expiresAt: refreshExpiresAt,
    };
    return { access, refreshToken, refreshExpiresAt, row };
  };

  const revokeFamily = async (familyId: string): Promise<void> => {
    const now = new Date();
    const events: PlatformEvent<'token.revoked'>[] = [];
    await prisma.$transaction(async (tx) => {
      await tx.refreshToken.updateMany({ where: { familyId, revokedAt: null }, data: { revokedAt: now } });
      // Access tokens still alive were handed out by this family: they go with it.
      const live = await tx.refreshToken.findMany({ where: { familyId, accessExpiresAt: { gt: now } } });
      for (const row of live) {
        await tx.revokedToken.upsert({ where: { jti: row.accessTokenId }, create: { jti: row.accessTokenId, expiresAt: row.accessExpiresAt }, update: {} });
        const event = platformEvent('token.revoked', row.userId, { tokenId: row.accessTokenId, expiresAt: Math.ceil(row.accessExpiresAt.getTime() / 1000) });
        await recordEventForReplicas(tx, event);
        events.push(event);
      }
    });
    for (const event of events) await options.publishCommitted(event);
  };

  return {
    async start(user, { mfaVerified }) {
      const pair = await issuePair(user, randomUUID(), mfaVerified);
      await prisma.refreshToken.create({ data: pair.row });
      return pair;
    },

    async rotate(refreshToken, callerId) {
      const invalid = unauthenticated('Invalid refresh token');
      if (!refreshToken.startsWith(TOKEN_PREFIX) || refreshToken.length > 128) throw invalid;
      const row = await prisma.refreshToken.findUnique({ where: { hash: hashOf(refreshToken) }, include: { user: true } });
      if (!row) throw invalid;
      // Checked before reuse detection: someone else's token must not let a caller end that user's sessions.
      if (callerId !== null && callerId !== row.userId) throw unauthenticated('The refresh token belongs to another account');
      if (row.revokedAt !== null) throw unauthenticated('The refresh token has been revoked');
      if (row.usedAt !== null) {
        await revokeFamily(row.familyId);
        throw unauthenticated('The refresh token was already used; every session of its sign-in has been revoked');
      }
      if (row.expiresAt.getTime() <= Date.now()) throw unauthenticated('The refresh token has expired');

      const pair = await issuePair(row.user, row.familyId, row.mfaVerified);
      const claimed = await prisma.$transaction(async (tx) => {
        // Only one of two concurrent trades of the same token can flip used_at.
        const { count } = await tx.refreshToken.updateMany({ where: { id: row.id, usedAt: null, revokedAt: null }, data: { usedAt: new Date() } });
        if (count === 1) await tx.refreshToken.create({ data: pair.row });
        return count === 1;
      });
      if (!claimed) {
        await revokeFamily(row.familyId);
        throw unauthenticated('The refresh token was already used; every session of its sign-in has been revoked');
      }
      return { ...pair, user: row.user };
    },

    async revokeFamilyOf(accessTokenId) {
      const row = await prisma.refreshToken.findFirst({ where: { accessTokenId } });
      if (!row) return false;
      await revokeFamily(row.familyId);
      return true;
    },

    async revokeAllOf(userId) {
      const families = await prisma.refreshToken.findMany({ where: { userId, revokedAt: null }, distinct: ['familyId'], select: { familyId: true } });
      for (const { familyId } of families) await revokeFamily(familyId);
    },
  };
}
