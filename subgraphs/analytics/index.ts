import type { SubgraphDefinition } from '../shared/subgraph-definition.ts';
import { analyticsAccess } from './access.ts';
import { analyticsResolvers } from './resolvers.ts';
import { analyticsTypeDefs } from './type-defs.ts';

export const analyticsSubgraph: SubgraphDefinition = {
  name: 'analytics',
  typeDefs: analyticsTypeDefs,
  resolvers: analyticsResolvers,
  access: analyticsAccess,
};
