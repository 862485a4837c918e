import { MODULE_SLUGS } from './modules.ts';
import { V1_SERVICE_NAMES } from './v1-services.ts';

/** The platform's own subgraphs; one more per module of the catalog, then one per /v1 service, follow them. */
export const CORE_SUBGRAPHS = ['auth', 'keys', 'modules', 'webhooks', 'analytics'] as const;

/** Every subgraph the gateway composes, in a fixed order (it decides default ports). */
/** Platform subgraphs added after the /v1 services: last, so the earlier default ports stay where they were. */
export const LATER_SUBGRAPHS = ['bulk'] as const;

export const SUBGRAPH_NAMES: readonly string[] = [...CORE_SUBGRAPHS, ...MODULE_SLUGS, ...V1_SERVICE_NAMES, ...LATER_SUBGRAPHS];
export type SubgraphName = string;

export function isSubgraphName(value: string): value is SubgraphName {
  return SUBGRAPH_NAMES.includes(value);
}

/** Where `npm run subgraph -- <name>` listens unless told otherwise; also the URL recorded in the supergraph. */
export function defaultSubgraphPort(name: SubgraphName): number {
  return 4101 + SUBGRAPH_NAMES.indexOf(name);
}
