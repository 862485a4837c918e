import { z } from 'zod';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { moduleFieldName, moduleTypePrefix, type ModuleDefinition, type TypedOperation } from '../../schema/modules.ts';
import { allow, authenticated, type AccessRuleMap } from '../shared/access-rules.ts';
import type { SubgraphContext } from '../../core/identity/subgraph-context.ts';
import type { SubgraphServices } from '../shared/services.ts';
import type { SubgraphDefinition } from '../shared/subgraph-definition.ts';
import { upstreamCaller } from '../shared/call-upstream.ts';
import type { UpstreamResponse } from '../shared/upstream/index.ts';
import { validInput } from '../../core/errors/validate-input.ts';
import { moduleTypeDefs } from './module-type-defs.ts';

const queryMap = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number(), z.boolean()]))]))
  .nullish()
  .transform((query) =>
    query ? Object.fromEntries(Object.entries(query).map(([name, value]) => [name, Array.isArray(value) ? value.map(String) : String(value)])) : undefined,
  );

const readArgs = z.object({ path: z.string().min(1).max(2048), query: queryMap });
const writeArgs = readArgs.extend({ method: z.enum(['POST', 'PUT', 'PATCH', 'DELETE']), body: z.unknown().optional() });

/** Builds one module's subgraph from its catalog entry: the same factory for all 30. */
export function moduleSubgraph(entry: ModuleDefinition): SubgraphDefinition {
  const field = moduleFieldName(entry.slug);
  const prefix = moduleTypePrefix(entry.slug);
  const gate = authenticated({ minTier: entry.tier, subject: `Module '${entry.slug}'` });

  const resolvers = (services: SubgraphServices): GraphQLResolverMap<SubgraphContext> => {
    const upstream = upstreamCaller(services.moduleUpstreams, entry.slug, `Module '${entry.slug}'`);
    const asResponse = (response: UpstreamResponse) => ({
      status: response.status,
      headers: response.headers,
      body: response.body ?? null,
      durationMs: response.durationMs,
    });
    const typed = (operation: TypedOperation) => async (_parent: unknown, args: Record<string, unknown>, context: SubgraphContext) => {
      const defined = Object.fromEntries(Object.entries(args).filter(([, value]) => value !== undefined && value !== null));
      return upstream.json(
        operation.method === 'GET'
          ? { method: 'GET', path: operation.path, query: Object.fromEntries(Object.entries(defined).map(([k, v]) => [k, String(v)])) }
          : { method: operation.method, path: operation.path, body: defined },
        context,
      );
    };
    const typedOf = (kind: TypedOperation['operation']) =>
      Object.fromEntries(entry.operations.filter((operation) => operation.operation === kind).map((operation) => [operation.field, typed(operation)]));

    return {
      Query: { [field]: () => ({}) },
      Mutation: { [field]: () => ({}) },
      [`${prefix}Query`]: {
        request: async (_parent: unknown, args: unknown, context: SubgraphContext) => {
          const input = validInput(readArgs, args);
          return asResponse(await upstream.raw({ method: 'GET', path: input.path, ...(input.query ? { query: input.query } : {}) }, context));
        },
        ...typedOf('query'),
      },
      [`${prefix}Mutation`]: {
        request: async (_parent: unknown, args: unknown, context: SubgraphContext) => {
          const input = validInput(writeArgs, args);
          return asResponse(
            await upstream.raw(
              {
                method: input.method,
                path: input.path,
                ...(input.query ? { query: input.query } : {}),
                ...(input.body === undefined ? {} : { body: input.body }),
              },
              context,
            ),
          );
        },
        ...typedOf('mutation'),
      },
    } as GraphQLResolverMap<SubgraphContext>;
  };

  const access: AccessRuleMap = {
    [`Query.${field}`]: gate,
    [`Mutation.${field}`]: gate,
    [`${prefix}Query.*`]: authenticated({ scopes: ['read:modules'] }),
    [`${prefix}Mutation.*`]: authenticated({ scopes: ['write:modules'] }),
    'ModuleResponse.*': allow,
  };

  return { name: entry.slug, typeDefs: moduleTypeDefs(entry), resolvers, access };
}
