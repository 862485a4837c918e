import type { DocumentNode } from 'graphql';
import type { SubgraphDefinition } from '../shared/subgraph-definition.ts';
import { webhooksAccess } from './access.ts';
import { automationAccess } from './automations/automation-access.ts';
import { automationResolvers } from './automations/automation-resolvers.ts';
import { automationTypeDefs } from './automations/automation-type-defs.ts';
import { webhooksResolvers } from './resolvers.ts';
import { webhooksTypeDefs } from './type-defs.ts';

const typeDefs: DocumentNode = { kind: webhooksTypeDefs.kind, definitions: [...webhooksTypeDefs.definitions, ...automationTypeDefs.definitions] };

/** Webhook endpoints and deliveries, and the automations that hear the same events. */
export const webhooksSubgraph: SubgraphDefinition = {
  name: 'webhooks',
  typeDefs,
  resolvers: (services) => {
    const webhooks = webhooksResolvers(services);
    const automations = automationResolvers(services);
    return {
      ...webhooks,
      ...automations,
      Query: { ...webhooks['Query'], ...automations['Query'] },
      Mutation: { ...webhooks['Mutation'], ...automations['Mutation'] },
    };
  },
  access: { ...webhooksAccess, ...automationAccess },
};
