import { authSubgraph } from './auth/index.ts';
import { keysSubgraph } from './keys/index.ts';
import type { SubgraphName } from './names.ts';
import type { SubgraphDefinition } from './shared/subgraph-definition.ts';

/** Every subgraph definition by name; the composer, the gateway and `npm run subgraph` read this. */
export const SUBGRAPHS: Readonly<Record<SubgraphName, SubgraphDefinition>> = {
  auth: authSubgraph,
  keys: keysSubgraph,
};
