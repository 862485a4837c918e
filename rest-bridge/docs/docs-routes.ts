import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { packageFileRoute, sendText } from '../../core/http/static-files.ts';
import type { RouteTable } from '../../core/http/exchange.ts';
import { sendJson } from '../../core/http/respond.ts';
import type { BridgeRoute } from '../bridge-route.ts';
import { DOCS_CSP, REDOC_INIT, REDOC_LOGO_SVG, REDOC_PAGE, SWAGGER_INIT, SWAGGER_PAGE } from './docs-pages.ts';
import type { EdgeRouteDoc } from './openapi-document.ts';
import { openApiDocument } from './openapi-document.ts';

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/** `/api/openapi.json`, Swagger UI at `/api/docs`, ReDoc at `/api/redoc` (CONTRACT.md section 5). */
export function docsRoutes(options: { routes: readonly BridgeRoute[]; edgeRoutes: readonly EdgeRouteDoc[]; version: string }): RouteTable {
  // Built once: the route table does not change while the process runs.
  const document = openApiDocument(options);
  const swagger = packageDir('swagger-ui-dist');
  const redoc = packageDir('redoc');
  const js = 'application/javascript; charset=utf-8';
  // ReDoc's sidebar hard-codes its logo from cdn.redoc.ly; the bundle is served pointing at a local one.
  const redocBundle = readFileSync(join(redoc, 'bundles', 'redoc.standalone.js'), 'utf8').replaceAll(
    'https://cdn.redoc.ly/redoc/logo-mini.svg',
    '/api/redoc/assets/logo-mini.svg',
  );
  return {
    '/api/openapi.json': {
      GET: async ({ response }) => {
        response.setHeader('Cache-Control', 'no-cache');
        sendJson(response, 200, document);
      },
    },
    '/api/docs': { GET: async ({ response }) => sendText(response, 'text/html', SWAGGER_PAGE, DOCS_CSP) },
    '/api/docs/assets/swagger-ui.css': { GET: packageFileRoute(join(swagger, 'swagger-ui.css'), 'text/css; charset=utf-8') },
    '/api/docs/assets/swagger-ui-bundle.js': { GET: packageFileRoute(join(swagger, 'swagger-ui-bundle.js'), js) },
    '/api/docs/assets/swagger-init.js': { GET: async ({ response }) => sendText(response, 'application/javascript', SWAGGER_INIT, DOCS_CSP) },
    '/api/redoc': { GET: async ({ response }) => sendText(response, 'text/html', REDOC_PAGE, DOCS_CSP) },
    '/api/redoc/assets/redoc.standalone.js': {
      GET: async ({ response }) => {
        response.setHeader('Cache-Control', 'public, max-age=86400');
        sendText(response, 'application/javascript', redocBundle, DOCS_CSP);
      },
    },
    '/api/redoc/assets/logo-mini.svg': { GET: async ({ response }) => sendText(response, 'image/svg+xml', REDOC_LOGO_SVG, DOCS_CSP) },
    '/api/redoc/assets/redoc-init.js': { GET: async ({ response }) => sendText(response, 'application/javascript', REDOC_INIT, DOCS_CSP) },
  };
}
