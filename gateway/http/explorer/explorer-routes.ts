import { packageFileRoute, sendText } from '../../../core/http/static-files.ts';
import type { RouteTable } from '../../../core/http/exchange.ts';
import { GRAPHIQL_CSP } from '../../../core/http/security-headers.ts';
import { GRAPHIQL_ASSET_PREFIX, graphiqlAssets } from './graphiql-assets.ts';
import { GRAPHIQL_INIT, GRAPHIQL_PAGE, GRAPHIQL_PAGE_CSS } from './graphiql-page.ts';

/** GraphiQL at `/graphiql`, served from node_modules: it works with no network at all. */
export function explorerRoutes(): RouteTable {
  const table: Record<string, RouteTable[string]> = {
    '/graphiql': { GET: async ({ response }) => sendText(response, 'text/html', GRAPHIQL_PAGE, GRAPHIQL_CSP) },
    [`${GRAPHIQL_ASSET_PREFIX}graphiql-init.js`]: { GET: async ({ response }) => sendText(response, 'application/javascript', GRAPHIQL_INIT, GRAPHIQL_CSP) },
    [`${GRAPHIQL_ASSET_PREFIX}graphiql-page.css`]: { GET: async ({ response }) => sendText(response, 'text/css', GRAPHIQL_PAGE_CSS, GRAPHIQL_CSP) },
  };
  for (const [path, file] of graphiqlAssets()) table[path] = { GET: packageFileRoute(file.path, file.type) };
  return table;
}
