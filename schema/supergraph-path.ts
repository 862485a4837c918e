// Where the committed supergraph SDL lives. Its own module, so the gateway can
// find the file without loading schema/compose.ts and @apollo/composition,
// which only `npm run compose` and the staleness test need.
import { fileURLToPath } from 'node:url';

export const SUPERGRAPH_PATH = fileURLToPath(new URL('./supergraph.graphql', import.meta.url));
