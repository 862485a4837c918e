import { z } from 'zod';
import { insufficientPermissions, unauthenticated, validationError } from '../../core/errors/errors.ts';
import { validInput } from '../../core/errors/validate-input.ts';
import { proveCaller } from '../../core/identity/proven-callers.ts';
import { asScopes } from '../../core/identity/scopes.ts';
import type { SubgraphContext } from '../../core/identity/subgraph-context.ts';
import type { SubgraphServices } from '../shared/services.ts';
import { requirePrincipal } from '../shared/require-principal.ts';
import type { CodeCheck, MfaFactors } from './mfa-factors.ts';
import type { RefreshSessions } from './refresh-sessions.ts';
import { tokensPayload } from './session-payload.ts';
import { newEnrolment } from './totp.ts';

// A TOTP code (6 digits) or a recovery code (ABCDE-FGHIJ); anything else is refused before counting.
const code = z.string().trim().min(6, 'must be a 6-digit code or a recovery code').max(16, 'must be a 6-digit code or a recovery code');

function refuseUnaccepted(check: CodeCheck): void {
  if (check === 'replayed') throw unauthenticated('This code was already used; wait for the next one');
  if (check === 'invalid') throw unauthenticated('Invalid verification code');
}

type MfaMutations = Record<'verifyMfa' | 'enrolMfa' | 'confirmMfa' | 'disableMfa', (root: unknown, args: unknown, context: SubgraphContext) => Promise<unknown>>;

/** Enrolment, confirmation, removal and the second step of a sign-in (TOTP, RFC 6238). */
export function mfaMutations(services: SubgraphServices, factors: MfaFactors, sessions: RefreshSessions): MfaMutations {
  const { prisma, loginThrottle } = services;

  return {
    verifyMfa: async (_root, args, context) => {
      const input = validInput(z.object({ challenge: z.string().min(1).max(256), code }), args);
      const userId = await factors.challengeUser(input.challenge);
      await loginThrottle.attemptCode(userId, context.clientAddress);
      refuseUnaccepted(await factors.checkCode(userId, input.code));
      if (!(await factors.consumeChallenge(input.challenge))) throw unauthenticated('Invalid MFA challenge');
      const user = await prisma.user.findUnique({ where: { id: userId } });
      if (!user) throw unauthenticated('The account no longer exists');
      const tokens = await sessions.start(user, { mfaVerified: true });
      proveCaller(context, { userId: user.id, tier: user.tier, scopes: asScopes(user.scopes) });
      return tokensPayload(tokens, user, false);
    },

    enrolMfa: async (_root, _args, context) => {
      const principal = requirePrincipal(context);
      if (await factors.isEnabled(principal.userId)) throw validationError('MFA is already enabled; disable it first');
      const user = await prisma.user.findUnique({ where: { id: principal.userId } });
      if (!user) throw unauthenticated('The account no longer exists');
      const enrolment = await newEnrolment(services.sessions.mfaIssuer, user.email);
      await prisma.mfaFactor.upsert({
        where: { userId: user.id },
        create: { userId: user.id, secret: enrolment.secret },
        update: { secret: enrolment.secret, confirmedAt: null, lastUsedStep: null },
      });
      return enrolment;
    },

    confirmMfa: async (_root, args, context) => {
      const principal = requirePrincipal(context);
      const input = validInput(z.object({ code }), args);
      await loginThrottle.attemptCode(principal.userId, context.clientAddress);
      if (await factors.isEnabled(principal.userId)) throw validationError('MFA is already enabled');
      refuseUnaccepted(await factors.checkCode(principal.userId, input.code, { pending: true }));
      await prisma.mfaFactor.update({ where: { userId: principal.userId }, data: { confirmedAt: new Date() } });
      const recoveryCodes = await factors.issueRecoveryCodes(principal.userId);
      // Tokens signed in without the factor (this one included) would pass for an account without MFA: sign in again.
      await sessions.revokeAllOf(principal.userId);
      return { recoveryCodes };
    },

    disableMfa: async (_root, args, context) => {
      const principal = requirePrincipal(context);
      const input = validInput(z.object({ code }), args);
      if (services.sessions.requireMfaFor.includes(principal.tier)) {
        throw insufficientPermissions(`MFA is required for the '${principal.tier}' tier (REQUIRE_MFA) and cannot be disabled`);
      }
      await loginThrottle.attemptCode(principal.userId, context.clientAddress);
      if (!(await factors.isEnabled(principal.userId))) throw validationError('MFA is not enabled');
      refuseUnaccepted(await factors.checkCode(principal.userId, input.code));
      await prisma.$transaction([
        prisma.mfaRecoveryCode.deleteMany({ where: { userId: principal.userId } }),
        prisma.mfaFactor.delete({ where: { userId: principal.userId } }),
      ]);
      return true;
    },
  };
}
