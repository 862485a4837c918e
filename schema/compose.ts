import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@apollo/composition';
import { subgraphDefinition } from '../subgraphs/registry.ts';
import { defaultSubgraphPort, SUBGRAPH_NAMES } from '../subgraphs/names.ts';
import { SUPERGRAPH_PATH } from './supergraph-path.ts';

export { SUPERGRAPH_PATH };

/**
 * Composes every subgraph's SDL into the supergraph the gateway loads statically.
 * The URLs recorded are the default ports of `npm run subgraph`; the gateway
 * decides at start whether each subgraph runs in process or at a configured URL.
 */
export function composeSupergraphSdl(): string {
  const result = composeServices(
    SUBGRAPH_NAMES.map((name) => ({
      name,
      typeDefs: subgraphDefinition(name).typeDefs,
      url: `http://127.0.0.1:${defaultSubgraphPort(name)}/graphql`,
    })),
  );
  if (result.errors) {
    throw new Error(`Composition failed:\n${result.errors.map((error) => `- ${error.message}`).join('\n')}`);
  }
  return result.supergraphSdl;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SUPERGRAPH_PATH, composeSupergraphSdl());
  console.log(`wrote ${SUPERGRAPH_PATH}`);
}
