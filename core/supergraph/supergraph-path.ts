import { fileURLToPath } from 'node:url';

/** The committed supergraph of our own subgraphs: written by `npm run compose`, read when serving. */
export const SUPERGRAPH_PATH = fileURLToPath(new URL('../../schema/supergraph.graphql', import.meta.url));
