import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { z } from 'zod';
import { notFound, unauthenticated } from '../../core/errors/errors.ts';
import { TIER_NAMES } from '../../schema/tiers.ts';
import { platformEvent } from '../../core/events/event-bus.ts';
import { tierInput } from '../../schema/tier-input.ts';
import type { ApiKey } from '../../prisma/generated/client.ts';
import type { SubgraphContext } from '../../core/identity/subgraph-context.ts';
import type { Principal } from '../../core/identity/principal.ts';
import type { SubgraphServices } from '../shared/services.ts';
import { requirePrincipal } from '../shared/require-principal.ts';
import { validInput } from '../../core/errors/validate-input.ts';
import { recordWebhookEvent } from '../webhooks/outbox.ts';
import { displayPrefix, generateApiKey, hashApiKey, looksLikeApiKey } from '../../core/identity/api-key-format.ts';
import { committedEventPublisher, recordEventForReplicas } from '../shared/event-outbox.ts';
import { checkKeyLimits, grantFor, keyStatus } from './key-policy.ts';
import type { Tier } from '../../schema/tiers.ts';
import { isUuid } from '../shared/ids.ts';
import { validationError } from '../../core/errors/errors.ts';
import { SCOPE_RESOURCES, scopeCatalog } from '../../schema/scope-docs.ts';

const DAY_MS = 86_400_000;

const createInput = z.object({
  name: z.string().trim().min(1, 'is required').max(100),
  tier: tierInput.nullish(),
  scopes: z.array(z.string()).max(50).nullish(),
  expiresInDays: z.number().int().min(1).max(3650).nullish(),
  limitPerMinute: z.number().int().min(1).max(1_000_000).nullish(),
  limitPerHour: z.number().int().min(1).max(100_000_000).nullish(),
});

const keyId = z.object({ id: z.string().uuid('must be an API key id') });
/** Legacy clients (DELETE /api-keys/{api_key}) name the key by its value. */
const keyRef = z.object({ id: z.string().refine((value) => isUuid(value) || looksLikeApiKey(value), 'must be an API key id or the key itself') });
const limitsInput = keyId.extend({
  limitPerMinute: z.number().int().min(1).nullish(),
  limitPerHour: z.number().int().min(1).nullish(),
});

export function keysResolvers(services: SubgraphServices): GraphQLResolverMap<SubgraphContext> {
  const { prisma, events } = services;
  // Edge replicas cache keys: what they must hear is queued with the change and survives a bus outage.
  const publishCommitted = committedEventPublisher({ prisma, events, logger: services.logger });

  const tierLimits = (tier: Tier) => {
    const [minute, hour] = services.rateLimits.windowsFor(tier);
    return { perMinute: minute?.limit ?? 0, perHour: hour?.limit ?? 0 };
  };

  /** Owners see their keys; admins see anyone's; everyone else gets "not found". */
  const ownKey = async (principal: Principal, id: string): Promise<ApiKey> => {
    const key = await prisma.apiKey.findUnique({ where: { id } });
    if (!key || (key.ownerId !== principal.userId && principal.tier !== 'admin')) throw notFound(`API key '${id}' not found`);
    return key;
  };

    // causedBy: the automation chain behind the call (SubgraphContext), stamped on the events for the loop guard.
  const issueKey = async (principal: Principal, input: z.infer<typeof createInput>, rotatedFromId: string | null, causedBy: readonly string[] = []) => {
    const owner = await prisma.user.findUnique({ where: { id: principal.userId } });
    if (!owner) throw unauthenticated('The account no longer exists');
    const grant = grantFor(input, { ownerTier: owner.tier, callerTier: principal.tier, callerScopes: principal.scopes });
    checkKeyLimits({ perMinute: input.limitPerMinute ?? null, perHour: input.limitPerHour ?? null }, principal.tier, tierLimits(grant.tier));
    const apiKey = generateApiKey();
    // The key and its webhook deliveries commit together (the outbox); the bus hears of it after.
    const { key, event } = await prisma.$transaction(async (tx) => {
      const created = await tx.apiKey.create({
        data: {
          ownerId: owner.id,
          name: input.name,
          displayPrefix: displayPrefix(apiKey),
          hash: hashApiKey(apiKey),
          tier: grant.tier,
          scopes: grant.scopes,
          limitPerMinute: input.limitPerMinute ?? null,
          limitPerHour: input.limitPerHour ?? null,
          expiresAt: input.expiresInDays ? new Date(Date.now() + input.expiresInDays * DAY_MS) : null,
          rotatedFromId,
        },
      });
      const createdEvent = platformEvent('api_key.created', owner.id, { keyId: created.id, name: created.name, tier: created.tier }, causedBy);
      await recordWebhookEvent(tx, createdEvent);
      await recordEventForReplicas(tx, createdEvent);
      return { key: created, event: createdEvent };
    });
    await publishCommitted(event);
    return { apiKey, key };
  };

  const revoke = async (key: ApiKey, causedBy: readonly string[] = []): Promise<ApiKey> => {
    if (key.revokedAt) return key;
    const event = platformEvent('api_key.revoked', key.ownerId, { keyId: key.id }, causedBy);
    const revoked = await prisma.$transaction(async (tx) => {
      const updated = await tx.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
      await recordWebhookEvent(tx, event);
      await recordEventForReplicas(tx, event);
      return updated;
    });
    // Edge caches drop the key on this event, on every replica.
    await publishCommitted(event);
    return revoked;
  };

  return {
    Query: {
      scopeCatalog: (_root, args: { resource?: string | null }) => {
        if (args.resource != null && !SCOPE_RESOURCES.includes(args.resource)) {
          throw validationError(`Invalid 'resource': must be one of ${SCOPE_RESOURCES.join(', ')}`, 'resource');
        }
        return scopeCatalog().filter((entry) => args.resource == null || entry.resource === args.resource);
      },
      apiKeys: (_root, args: { includeRevoked?: boolean | null }, context) =>
        prisma.apiKey.findMany({
          where: { ownerId: requirePrincipal(context).userId, ...(args.includeRevoked ? {} : { revokedAt: null }) },
          orderBy: { createdAt: 'desc' },
        }),
      apiKey: (_root, args: unknown, context) => ownKey(requirePrincipal(context), validInput(keyId, args).id),
    },

    Mutation: {
      createApiKey: (_root, args: { input: unknown }, context) =>
        issueKey(requirePrincipal(context), validInput(createInput, args.input), null, context.causedBy),

      revokeApiKey: async (_root, args: unknown, context) => {
        const { id } = validInput(keyRef, args);
        const principal = requirePrincipal(context);
        if (!looksLikeApiKey(id)) return revoke(await ownKey(principal, id), context.causedBy);
        const key = await prisma.apiKey.findUnique({ where: { hash: hashApiKey(id) } });
        // Never echo a key value back, not even in an error.
        if (!key || (key.ownerId !== principal.userId && principal.tier !== 'admin')) throw notFound('API key not found');
        return revoke(key, context.causedBy);
      },

      rotateApiKey: async (_root, args: unknown, context) => {
        const principal = requirePrincipal(context);
        const old = await ownKey(principal, validInput(keyId, args).id);
        if (keyStatus(old) !== 'active') throw notFound(`API key '${old.id}' is not active`);
        const remainingDays = old.expiresAt ? Math.max(1, Math.ceil((old.expiresAt.getTime() - Date.now()) / DAY_MS)) : null;
        const created = await issueKey(
          principal,
          {
            name: old.name,
            tier: old.tier,
            scopes: old.scopes,
            expiresInDays: remainingDays,
            limitPerMinute: old.limitPerMinute,
            limitPerHour: old.limitPerHour,
          },
          old.id,
          context.causedBy,
        );
        await revoke(old, context.causedBy);
        return created;
      },

      updateApiKeyLimits: async (_root, args: unknown, context) => {
        const principal = requirePrincipal(context);
        const input = validInput(limitsInput, args);
        const key = await ownKey(principal, input.id);
        const limits = { perMinute: input.limitPerMinute ?? null, perHour: input.limitPerHour ?? null };
        checkKeyLimits(limits, principal.tier, tierLimits(key.tier));
        const event = platformEvent('api_key.updated', key.ownerId, { keyId: key.id }, context.causedBy);
        const updated = await prisma.$transaction(async (tx) => {
          const changed = await tx.apiKey.update({
            where: { id: key.id },
            data: { limitPerMinute: limits.perMinute, limitPerHour: limits.perHour },
          });
          await recordWebhookEvent(tx, event);
          await recordEventForReplicas(tx, event);
          return changed;
        });
        await publishCommitted(event);
        return updated;
      },
    },

    ApiKey: {
      __resolveReference: (reference: { id: string }) =>
        isUuid(reference.id) ? prisma.apiKey.findUnique({ where: { id: reference.id } }) : null,
      prefix: (key: ApiKey) => key.displayPrefix,
      status: (key: ApiKey) => keyStatus(key),
      owner: (key: ApiKey) => ({ __typename: 'User', id: key.ownerId }),
    },

    User: {
      __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
      apiKeys: (user: { id: string }) =>
        prisma.apiKey.findMany({ where: { ownerId: user.id, revokedAt: null }, orderBy: { createdAt: 'desc' } }),
    },
  };
}
