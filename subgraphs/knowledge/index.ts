import type { SubgraphDefinition } from '../shared/subgraph-definition.ts';
import { knowledgeAccess } from './access.ts';
import { knowledgeResolvers } from './resolvers.ts';
import { knowledgeTypeDefs } from './type-defs.ts';

/** /v1 knowledge query and uploads (seed 002): files stored by the gateway, passed upstream by signed link. */
export const knowledgeSubgraph: SubgraphDefinition = {
  name: 'knowledge',
  typeDefs: knowledgeTypeDefs,
  resolvers: knowledgeResolvers,
  access: knowledgeAccess,
};
