import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { notFound } from '../../core/errors/errors.ts';
import { findModule, MODULE_CATALOG, type ModuleDefinition } from '../../schema/modules.ts';
import { tierAtLeast } from '../../schema/tiers.ts';
import type { SubgraphContext } from '../../core/identity/subgraph-context.ts';
import type { SubgraphServices } from '../shared/services.ts';

export function modulesResolvers(services: SubgraphServices): GraphQLResolverMap<SubgraphContext> {
  // This process hosts the catalog, so it is the one that probes the upstreams.
  services.moduleStatus.start();
  const moduleOrThrow = (slug: string): ModuleDefinition => {
    const entry = findModule(slug);
    if (!entry) throw notFound(`Module '${slug}' not found`);
    return entry;
  };
  return {
    Query: {
      modules: (_root, args: { category?: string | null }) =>
        args.category ? MODULE_CATALOG.filter((entry) => entry.category.toLowerCase() === args.category?.toLowerCase()) : MODULE_CATALOG,
      module: (_root, args: { slug: string }) => moduleOrThrow(args.slug),
    },
    Module: {
      __resolveReference: (reference: { slug: string }) => moduleOrThrow(reference.slug),
      endpoint: (entry: ModuleDefinition) => `/modules/${entry.slug}`,
      status: (entry: ModuleDefinition) => services.moduleStatus.report(entry.slug).status,
      lastCheckedAt: (entry: ModuleDefinition) => services.moduleStatus.report(entry.slug).lastCheckedAt,
      latencyMs: (entry: ModuleDefinition) => services.moduleStatus.report(entry.slug).latencyMs,
      accessible: (entry: ModuleDefinition, _args: unknown, context: SubgraphContext) =>
        context.principal !== null && tierAtLeast(context.principal.tier, entry.tier),
    },
  };
}
