import type { SubgraphName } from '../../schema/subgraph-names.ts';

export type SubgraphLocation = { kind: 'in-process' } | { kind: 'remote'; url: string };

/**
 * What the gateway serves: the committed supergraph of its own subgraphs, or a
 * foreign one (SUPERGRAPH_PATH) whose subgraphs it reaches at the URLs recorded
 * in it, with the same edge (identity, limits) in front.
 */
export type SupergraphSource = { kind: 'own' } | { kind: 'external'; path: string; sdl: string };

/** How remote subgraphs are called. */
export interface SubgraphFetchConfig {
  /** Keep-alive connections per subgraph origin. */
  readonly connectionsPerSubgraph: number;
  /** Subgraphs whose identical in-flight query fetches are each sent (not shared). */
  readonly deduplicationExcluded: readonly SubgraphName[];
  /** Fetches one plan level sends to one remote subgraph go as one merged query. */
  readonly batching: boolean;
}
