import { createReadStream } from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { RouteTable } from '../../../core/http/exchange.ts';
import { GRAPHIQL_CSP } from '../../../core/http/security-headers.ts';
import { GRAPHIQL_ASSET_PREFIX, graphiqlAssets } from './graphiql-assets.ts';
import { GRAPHIQL_INIT, GRAPHIQL_PAGE, GRAPHIQL_PAGE_CSS } from './graphiql-page.ts';

function sendText(response: ServerResponse, type: string, body: string): void {
  response.statusCode = 200;
  response.setHeader('Content-Type', `${type}; charset=utf-8`);
  response.setHeader('Content-Security-Policy', GRAPHIQL_CSP);
  response.end(body);
}

function packageFile(path: string, type: string) {
  return async ({ response }: { response: ServerResponse }) => {
    response.statusCode = 200;
    response.setHeader('Content-Type', type);
    response.setHeader('Cache-Control', 'public, max-age=86400');
    await new Promise<void>((resolve, reject) => {
      const stream = createReadStream(path);
      stream.on('error', reject);
      stream.on('end', resolve);
      stream.pipe(response);
    });
  };
}

/** GraphiQL at `/graphiql`, served from node_modules: it works with no network at all. */
export function explorerRoutes(): RouteTable {
  const table: Record<string, RouteTable[string]> = {
    '/graphiql': { GET: async ({ response }) => sendText(response, 'text/html', GRAPHIQL_PAGE) },
    [`${GRAPHIQL_ASSET_PREFIX}graphiql-init.js`]: { GET: async ({ response }) => sendText(response, 'application/javascript', GRAPHIQL_INIT) },
    [`${GRAPHIQL_ASSET_PREFIX}graphiql-page.css`]: { GET: async ({ response }) => sendText(response, 'text/css', GRAPHIQL_PAGE_CSS) },
  };
  for (const [path, file] of graphiqlAssets()) table[path] = { GET: packageFile(file.path, file.type) };
  return table;
}
