import type { SubgraphDefinition } from '../shared/subgraph-definition.ts';
import { keysAccess } from './access.ts';
import { keysResolvers } from './resolvers.ts';
import { keysTypeDefs } from './type-defs.ts';

export const keysSubgraph: SubgraphDefinition = {
  name: 'keys',
  typeDefs: keysTypeDefs,
  resolvers: keysResolvers,
  access: keysAccess,
};
