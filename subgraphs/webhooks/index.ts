import type { SubgraphDefinition } from '../shared/subgraph-definition.ts';
import { webhooksAccess } from './access.ts';
import { webhooksResolvers } from './resolvers.ts';
import { webhooksTypeDefs } from './type-defs.ts';

export const webhooksSubgraph: SubgraphDefinition = {
  name: 'webhooks',
  typeDefs: webhooksTypeDefs,
  resolvers: webhooksResolvers,
  access: webhooksAccess,
};
