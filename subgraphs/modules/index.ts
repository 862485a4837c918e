import { allow, authenticated } from '../shared/access-rules.ts';
import type { SubgraphDefinition } from '../shared/subgraph-definition.ts';
import { modulesResolvers } from './resolvers.ts';
import { modulesTypeDefs } from './type-defs.ts';

export const modulesSubgraph: SubgraphDefinition = {
  name: 'modules',
  typeDefs: modulesTypeDefs,
  resolvers: modulesResolvers,
  access: {
    'Query.modules': authenticated({ scopes: ['read:modules'] }),
    'Query.module': authenticated({ scopes: ['read:modules'] }),
    'Module.*': allow,
    'Module.__resolveReference': authenticated(),
    // Served by the gateway, which evaluates this rule when a subscription starts.
    'Subscription.moduleStatusChanged': authenticated({ scopes: ['read:modules'] }),
    'ModuleStatusEvent.*': allow,
  },
};
