/** Every subgraph the gateway composes; later issues add modules, webhooks, analytics, /v1. */
export const SUBGRAPH_NAMES = ['auth', 'keys'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

export function isSubgraphName(value: string): value is SubgraphName {
  return (SUBGRAPH_NAMES as readonly string[]).includes(value);
}

/** Where `npm run subgraph -- <name>` listens unless told otherwise; also the URL recorded in the supergraph. */
export function defaultSubgraphPort(name: SubgraphName): number {
  return 4101 + SUBGRAPH_NAMES.indexOf(name);
}
