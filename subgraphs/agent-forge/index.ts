import type { SubgraphDefinition } from '../shared/subgraph-definition.ts';
import { agentForgeAccess } from './access.ts';
import { agentForgeResolvers } from './resolvers.ts';
import { agentForgeTypeDefs } from './type-defs.ts';

/** /v1 Agent Forge (seed 002): training jobs with signed progress callbacks, models, chat. */
export const agentForgeSubgraph: SubgraphDefinition = {
  name: 'agent-forge',
  typeDefs: agentForgeTypeDefs,
  resolvers: agentForgeResolvers,
  access: agentForgeAccess,
};
