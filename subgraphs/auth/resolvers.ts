import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { z } from 'zod';
import { contractError, notFound, unauthenticated, validationError } from '../../core/errors/errors.ts';
import { DEFAULT_USER_SCOPES } from '../../schema/scopes.ts';
import { TIER_NAMES } from '../../schema/tiers.ts';
import { platformEvent } from '../../core/events/event-bus.ts';
import { tierInput } from '../../schema/tier-input.ts';
import type { SubgraphContext } from '../../core/identity/subgraph-context.ts';
import type { SubgraphServices } from '../shared/services.ts';
import { validInput } from '../../core/errors/validate-input.ts';
import { requirePrincipal } from '../shared/require-principal.ts';
import { recordWebhookEvent } from '../webhooks/outbox.ts';
import { committedEventPublisher, recordEventForReplicas } from '../shared/event-outbox.ts';
import { isUuid } from '../shared/ids.ts';
import { mfaFactors } from './mfa-factors.ts';
import { mfaMutations } from './mfa-resolvers.ts';
import { refreshMutations } from './refresh-resolvers.ts';
import { refreshSessions } from './refresh-sessions.ts';
import { challengePayload, proveSignedIn, tokensPayload } from './session-payload.ts';

const email = z.string().trim().toLowerCase().email('must be a valid email address').max(254);
const credentials = z.object({ email, password: z.string().min(1, 'is required').max(1024) });
const newAccount = z.object({
  email,
  password: z.string().min(8, 'must be at least 8 characters').max(1024),
});

export function authResolvers(services: SubgraphServices): GraphQLResolverMap<SubgraphContext> {
  const { prisma, passwords, accessTokens, events } = services;
  // Replicas hold revocations and tiers in memory: what they must hear is queued with the change.
  const publishCommitted = committedEventPublisher({ prisma, events, logger: services.logger });
  const factors = mfaFactors({ prisma, requireMfaFor: services.sessions.requireMfaFor });
  const sessions = refreshSessions({
    prisma,
    accessTokens,
    publishCommitted,
    refreshTtlSeconds: services.sessions.refreshTtlSeconds,
    mfaRequired: (user) => factors.isRequired(user),
  });

  const findUser = async (id: string) => {
    // Ids are UUIDs; anything else cannot exist, and Postgres would reject the cast.
    if (!isUuid(id)) return null;
    return prisma.user.findUnique({ where: { id } });
  };

  return {
    Query: {
      me: async (_root, _args, context) => {
        const user = await findUser(requirePrincipal(context).userId);
        if (!user) throw unauthenticated('The account no longer exists');
        return user;
      },
      verify: async (_root, _args, context) => {
        const principal = requirePrincipal(context);
        const user = await findUser(principal.userId);
        if (!user) throw unauthenticated('The account no longer exists');
        return {
          valid: true,
          kind: principal.kind,
          user,
          tier: principal.tier,
          scopes: principal.scopes,
          expiresAt: principal.expiresAt === null ? null : new Date(principal.expiresAt * 1000),
        };
      },
      user: (_root, args: { id: string }) => findUser(args.id),
    },

    Mutation: {
      register: async (_root, args: { input: unknown }) => {
        if (!services.registrationEnabled) {
          throw contractError('INSUFFICIENT_PERMISSIONS', 'Registration is disabled on this gateway');
        }
        const input = validInput(newAccount, args.input);
        const passwordHash = await passwords.hash(input.password);
        try {
          return await prisma.user.create({
            data: { email: input.email, passwordHash, tier: 'free', scopes: [...DEFAULT_USER_SCOPES] },
          });
        } catch (error) {
          if ((error as { code?: string }).code === 'P2002') throw validationError('Email is already registered', 'email');
          throw error;
        }
      },

      login: async (_root, args: { input: unknown }, context) => {
        const input = validInput(credentials, args.input);
        await services.loginThrottle.attempt(input.email, context.clientAddress);
        const user = await prisma.user.findUnique({ where: { email: input.email } });
        if (!user) {
          await passwords.burn(input.password);
          throw unauthenticated('Invalid email or password');
        }
        if (!(await passwords.verify(input.password, user.passwordHash))) throw unauthenticated('Invalid email or password');
        // The password alone earns no token, nor the owner's view of the account, once a second factor is enrolled.
        if (await factors.isEnabled(user.id)) return challengePayload(await factors.createChallenge(user.id), user);
        const enrolmentOwed = await factors.enrolmentOwed(user);
        proveSignedIn(context, user, enrolmentOwed);
        const tokens = await sessions.start(user, { mfaVerified: false });
        return tokensPayload(tokens, user, enrolmentOwed);
      },

      ...refreshMutations(sessions, factors),
      ...mfaMutations(services, factors, sessions),

      logout: async (_root, _args, context) => {
        const principal = requirePrincipal(context);
        if (principal.kind !== 'user') return false;
        const expiresAt = new Date(principal.expiresAt * 1000);
        const event = platformEvent('token.revoked', principal.userId, { tokenId: principal.tokenId, expiresAt: principal.expiresAt });
        await prisma.$transaction(async (tx) => {
          await tx.revokedToken.upsert({
            where: { jti: principal.tokenId },
            create: { jti: principal.tokenId, expiresAt },
            update: {},
          });
          await recordEventForReplicas(tx, event);
        });
        await publishCommitted(event);
        // The rest of the sign-in goes too: its refresh token and the access tokens rotation handed out.
        await sessions.revokeFamilyOf(principal.tokenId);
        return true;
      },

      setUserTier: async (_root, args: unknown, context) => {
        const input = validInput(z.object({ userId: z.string().uuid('must be a user id'), tier: tierInput }), args);
        const existing = await findUser(input.userId);
        if (!existing) throw notFound(`User '${input.userId}' not found`);
        const event = platformEvent('user.tier_changed', existing.id, { userId: existing.id, tier: input.tier }, context.causedBy);
        // The change and its webhook deliveries commit together (the outbox); the bus hears of it after.
        const user = await prisma.$transaction(async (tx) => {
          const updated = await tx.user.update({ where: { id: input.userId }, data: { tier: input.tier } });
          await recordWebhookEvent(tx, event);
          await recordEventForReplicas(tx, event);
          return updated;
        });
        await publishCommitted(event);
        return user;
      },
    },

    User: {
      __resolveReference: (reference: { id: string }) => findUser(reference.id),
    },
  };
}
