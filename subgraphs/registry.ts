import { MODULE_CATALOG } from '../schema/modules.ts';
import { analyticsSubgraph } from './analytics/index.ts';
import { agentForgeSubgraph } from './agent-forge/index.ts';
import { authSubgraph } from './auth/index.ts';
import { knowledgeSubgraph } from './knowledge/index.ts';
import { keysSubgraph } from './keys/index.ts';
import { moduleSubgraph } from './module/module-subgraph.ts';
import { modulesSubgraph } from './modules/index.ts';
import { p2pFogSubgraph } from './p2p-fog/index.ts';
import { webhooksSubgraph } from './webhooks/index.ts';
import { bulkSubgraph } from './bulk/index.ts';
import { SUBGRAPH_NAMES, type SubgraphName } from '../schema/subgraph-names.ts';
import type { SubgraphDefinition } from './shared/subgraph-definition.ts';

/** Every subgraph definition, in SUBGRAPH_NAMES order: the core ones, one per module from one factory, then the /v1 services. */
export const SUBGRAPH_DEFINITIONS: readonly SubgraphDefinition[] = [
  authSubgraph,
  keysSubgraph,
  modulesSubgraph,
  webhooksSubgraph,
  analyticsSubgraph,
  ...MODULE_CATALOG.map(moduleSubgraph),
  agentForgeSubgraph,
  p2pFogSubgraph,
  knowledgeSubgraph,
  bulkSubgraph,
];

const BY_NAME = new Map(SUBGRAPH_DEFINITIONS.map((definition) => [definition.name, definition]));

if (SUBGRAPH_DEFINITIONS.map((definition) => definition.name).join() !== SUBGRAPH_NAMES.join()) {
  throw new Error('subgraphs/registry.ts and subgraphs/names.ts disagree on the subgraphs');
}

export function subgraphDefinition(name: SubgraphName): SubgraphDefinition {
  const definition = BY_NAME.get(name);
  if (!definition) throw new Error(`Unknown subgraph '${name}'`);
  return definition;
}
