import type { SubgraphDefinition } from '../shared/subgraph-definition.ts';
import { authAccess } from './access.ts';
import { authResolvers } from './resolvers.ts';
import { authTypeDefs } from './type-defs.ts';

export const authSubgraph: SubgraphDefinition = {
  name: 'auth',
  typeDefs: authTypeDefs,
  resolvers: authResolvers,
  access: authAccess,
};
