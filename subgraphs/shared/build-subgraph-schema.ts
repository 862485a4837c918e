import type { GraphQLSchema } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { applyAccessRules, guardReferenceResolvers } from './shield.ts';
import type { SubgraphDefinition } from './subgraph-definition.ts';
import type { SubgraphServices } from './services.ts';
import { DateTimeScalar, JSONScalar } from './scalars.ts';

/** The executable schema of one subgraph: resolvers, guarded entity references, shield. */
export function buildExecutableSubgraph(definition: SubgraphDefinition, services: SubgraphServices): GraphQLSchema {
  const resolvers = guardReferenceResolvers(
    { DateTime: DateTimeScalar, JSON: JSONScalar, ...definition.resolvers(services) },
    definition.access,
  );
  const schema = buildSubgraphSchema([{ typeDefs: definition.typeDefs, resolvers }]);
  return applyAccessRules(schema, definition.access);
}
