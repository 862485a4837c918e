import { composeServices } from '@apollo/composition';
import { BENCH_SUBGRAPHS, BENCH_SUBGRAPH_NAMES, type BenchSubgraphName } from './definitions.ts';

/** The supergraph of the four benchmark subgraphs at the given URLs. */
export function composeBenchSupergraph(urls: Readonly<Record<BenchSubgraphName, string>>): string {
  const result = composeServices(
    BENCH_SUBGRAPH_NAMES.map((name) => ({ name, typeDefs: BENCH_SUBGRAPHS[name].typeDefs, url: urls[name] })),
  );
  if (result.errors) throw new Error(`Composition failed:\n${result.errors.map((error) => `- ${error.message}`).join('\n')}`);
  return result.supergraphSdl;
}

