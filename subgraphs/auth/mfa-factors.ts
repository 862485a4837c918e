import { createHash, randomBytes } from 'node:crypto';
import { unauthenticated } from '../../core/errors/errors.ts';
import type { PrismaClient } from '../../prisma/generated/client.ts';
import type { Tier } from '../../schema/tiers.ts';
import { MFA_CHALLENGE_TTL_SECONDS } from './session-settings.ts';
import { isRecoveryCodeShape, matchingStep, newRecoveryCodes, recoveryCodeHash } from './totp.ts';

export interface MfaFactorsOptions {
  readonly prisma: PrismaClient;
  /** REQUIRE_MFA. */
  readonly requireMfaFor: readonly Tier[];
}

export type CodeCheck = 'accepted' | 'invalid' | 'replayed';

export interface MfaFactors {
  /** True once a factor is confirmed: sign-ins then need a code. */
  isEnabled(userId: string): Promise<boolean>;
  /** A confirmed factor, or REQUIRE_MFA covering the tier. */
  isRequired(user: { id: string; tier: Tier }): Promise<boolean>;
  /** REQUIRE_MFA covers the tier and no factor is confirmed yet. */
  enrolmentOwed(user: { id: string; tier: Tier }): Promise<boolean>;
  /**
   * A TOTP code of the confirmed (or, with `pending`, the unconfirmed) factor, or a recovery
   * code, each usable once: a TOTP code's step must be later than the last one accepted.
   */
  checkCode(userId: string, code: string, options?: { pending?: boolean }): Promise<CodeCheck>;
  /** Replaces any recovery codes with new ones; answers them in the clear, once. */
  issueRecoveryCodes(userId: string): Promise<string[]>;
  createChallenge(userId: string): Promise<{ token: string; expiresAt: Date }>;
  /** Throws AUTHENTICATION_REQUIRED for an unknown, used or expired challenge; does not use it up. */
  challengeUser(token: string): Promise<string>;
  /** Uses the challenge up; false when a concurrent call did first. */
  consumeChallenge(token: string): Promise<boolean>;
}

const CHALLENGE_PREFIX = 'mfa_';
const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

export function mfaFactors(options: MfaFactorsOptions): MfaFactors {
  const { prisma } = options;
  const confirmedFactor = (userId: string) => prisma.mfaFactor.findFirst({ where: { userId, confirmedAt: { not: null } } });

  return {
    async isEnabled(userId) {
      return (await confirmedFactor(userId)) !== null;
    },

    async isRequired(user) {
      return options.requireMfaFor.includes(user.tier) || (await confirmedFactor(user.id)) !== null;
    },

    async enrolmentOwed(user) {
      return options.requireMfaFor.includes(user.tier) && (await confirmedFactor(user.id)) === null;
    },

    async checkCode(userId, code, { pending = false } = {}) {
      const factor = await prisma.mfaFactor.findUnique({ where: { userId } });
      if (!factor || (factor.confirmedAt === null) !== pending) return 'invalid';
      const trimmed = code.trim();
      if (!pending && isRecoveryCodeShape(trimmed)) {
        const { count } = await prisma.mfaRecoveryCode.updateMany({
          where: { userId, hash: recoveryCodeHash(trimmed), usedAt: null },
          data: { usedAt: new Date() },
        });
        return count === 1 ? 'accepted' : 'invalid';
      }
      const step = matchingStep(factor.secret, trimmed);
      if (step === null) return 'invalid';
      // Conditional on the stored step, so two replicas cannot both accept one code.
      const { count } = await prisma.mfaFactor.updateMany({
        where: { userId, OR: [{ lastUsedStep: null }, { lastUsedStep: { lt: BigInt(step) } }] },
        data: { lastUsedStep: BigInt(step) },
      });
      return count === 1 ? 'accepted' : 'replayed';
    },

    async issueRecoveryCodes(userId) {
      const codes = newRecoveryCodes();
      await prisma.$transaction([
        prisma.mfaRecoveryCode.deleteMany({ where: { userId } }),
        prisma.mfaRecoveryCode.createMany({ data: codes.map((code) => ({ userId, hash: recoveryCodeHash(code) })) }),
      ]);
      return codes;
    },

    async createChallenge(userId) {
      const token = `${CHALLENGE_PREFIX}${randomBytes(32).toString('base64url')}`;
      const expiresAt = new Date(Date.now() + MFA_CHALLENGE_TTL_SECONDS * 1000);
      await prisma.mfaChallenge.create({ data: { hash: sha256(token), userId, expiresAt } });
      return { token, expiresAt };
    },

    async challengeUser(token) {
      if (!token.startsWith(CHALLENGE_PREFIX) || token.length > 128) throw unauthenticated('Invalid MFA challenge');
      const row = await prisma.mfaChallenge.findUnique({ where: { hash: sha256(token) } });
      if (!row || row.usedAt !== null) throw unauthenticated('Invalid MFA challenge');
      if (row.expiresAt.getTime() <= Date.now()) throw unauthenticated('The MFA challenge has expired; sign in again');
      return row.userId;
    },

    async consumeChallenge(token) {
      const { count } = await prisma.mfaChallenge.updateMany({
        where: { hash: sha256(token), usedAt: null, expiresAt: { gt: new Date() } },
        data: { usedAt: new Date() },
      });
      return count === 1;
    },
  };
}
