import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { z } from 'zod';
import { insufficientPermissions, notFound, validationError } from '../../core/errors/errors.ts';
import type { Tier, TierAlias } from '../../schema/tiers.ts';
import { tierInput } from '../../schema/tier-input.ts';
import type { SubgraphContext } from '../../core/identity/subgraph-context.ts';
import { requirePrincipal } from '../shared/require-principal.ts';
import type { SubgraphServices } from '../shared/services.ts';
import { validInput } from '../../core/errors/validate-input.ts';
import { subjectClaim } from '../../core/identity/subject-claim.ts';
import { usageQueries, type BucketSize, type GroupBy } from './usage-queries.ts';
import { usageWindow, type UsageScope } from './usage-scope.ts';

interface FilterInput {
  since?: Date | null;
  until?: Date | null;
  apiKeyId?: string | null;
  module?: string | null;
  tier?: Tier | TierAlias | null;
  userId?: string | null;
}

const uuid = (what: string) => z.string().uuid(`must be ${what} id`);
// A user is named as tokens name them: one of our UUIDs, or another issuer's subject.
const filterIds = z.object({ apiKeyId: uuid('an API key').nullish(), userId: subjectClaim.nullish(), tier: tierInput.nullish() });
const groupLimit = z.object({ limit: z.number().int().min(1).max(500) });

function scopeOf(filter: FilterInput | null | undefined): UsageScope {
  const ids = validInput(filterIds, { apiKeyId: filter?.apiKeyId, userId: filter?.userId, tier: filter?.tier });
  const window = usageWindow(filter?.since, filter?.until);
  if (window.since > window.until) throw validationError("Invalid 'since': must not be after 'until'", 'since');
  return {
    ...window,
    ...(ids.userId ? { userId: ids.userId } : {}),
    ...(ids.apiKeyId ? { apiKeyId: ids.apiKeyId } : {}),
    ...(filter?.module ? { module: filter.module } : {}),
    ...(ids.tier ? { tier: ids.tier } : {}),
  };
}

/**
 * Usage reports over the edge's usage records. A report is its scope; each of
 * its fields runs one aggregation in SQL, so only what is selected is computed.
 * Callers read their own usage (their sessions and every key of theirs); admins
 * read anyone's.
 */
export function analyticsResolvers(services: SubgraphServices): GraphQLResolverMap<SubgraphContext> {
  const queries = usageQueries(services.prisma);

  return {
    Query: {
      myUsage: (_root, args: { filter?: FilterInput | null }, context: SubgraphContext) => {
        const principal = requirePrincipal(context);
        const scope = scopeOf(args.filter);
        if (scope.userId !== undefined && scope.userId !== principal.userId) {
          throw insufficientPermissions("Only an admin may read another user's usage");
        }
        return { ...scope, userId: principal.userId };
      },
      apiKeyUsage: async (_root, args: { id: string; since?: Date | null; until?: Date | null }, context: SubgraphContext) => {
        const principal = requirePrincipal(context);
        const scope = scopeOf({ apiKeyId: args.id, since: args.since ?? null, until: args.until ?? null });
        const key = await services.prisma.apiKey.findUnique({ where: { id: args.id }, select: { ownerId: true } });
        // Someone else's key reads as no key at all: its existence is not the caller's to learn.
        if (!key || (principal.tier !== 'admin' && key.ownerId !== principal.userId)) throw notFound(`API key '${args.id}' not found`);
        return scope;
      },
      platformUsage: (_root, args: { filter?: FilterInput | null }) => scopeOf(args.filter),
    },
    Module: {
      __resolveReference: (reference: { slug: string }) => reference,
      usage: (module: { slug: string }, args: { since?: Date | null; until?: Date | null }, context: SubgraphContext) => {
        const principal = requirePrincipal(context);
        const scope = { ...scopeOf({ since: args.since ?? null, until: args.until ?? null }), module: module.slug };
        return principal.tier === 'admin' ? scope : { ...scope, userId: principal.userId };
      },
    },
    UsageReport: {
      total: (scope: UsageScope) => queries.total(scope),
      buckets: (scope: UsageScope, args: { size: BucketSize }) => queries.buckets(scope, args.size),
      groups: (scope: UsageScope, args: { by: GroupBy; limit: number }) => queries.groups(scope, args.by, validInput(groupLimit, { limit: args.limit }).limit),
    },
  };
}
