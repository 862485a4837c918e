import type { SubgraphDefinition } from '../shared/subgraph-definition.ts';
import { bulkAccess } from './access.ts';
import { bulkResolvers } from './resolvers.ts';
import { bulkTypeDefs } from './type-defs.ts';

export const bulkSubgraph: SubgraphDefinition = {
  name: 'bulk',
  typeDefs: bulkTypeDefs,
  resolvers: bulkResolvers,
  access: bulkAccess,
};
