import type { DocumentNode } from 'graphql';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { SubgraphName } from '../../schema/subgraph-names.ts';
import type { AccessRuleMap } from './access-rules.ts';
import type { SubgraphContext } from '../../core/identity/subgraph-context.ts';
import type { SubgraphServices } from './services.ts';

/** Everything the gateway needs to compose, host or serve one subgraph. */
export interface SubgraphDefinition {
  readonly name: SubgraphName;
  readonly typeDefs: DocumentNode;
  readonly resolvers: (services: SubgraphServices) => GraphQLResolverMap<SubgraphContext>;
  /** Keyed by schema coordinate; anything absent is denied. */
  readonly access: AccessRuleMap;
}
