import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { packageFileRoute, sendText } from '../../core/http/static-files.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouteTable } from '../../core/http/exchange.ts';
import { sendJson } from '../../core/http/respond.ts';
import type { BridgeRoute } from '../bridge-route.ts';
import { DOCS_CSP, REDOC_INIT, REDOC_LOGO_SVG, REDOC_PAGE, SWAGGER_INIT, SWAGGER_PAGE } from './docs-pages.ts';
import type { EdgeRouteDoc } from './edge-route-doc.ts';
import { openApiDocument, type ApiContact } from './openapi-document.ts';
import { successEnvelope } from '../../core/http/envelope.ts';
import { codeExamples, EXAMPLE_LANGUAGES, EXAMPLE_MEDIA_TYPES } from './code-examples.ts';
import { documentedOperations } from './documented-operations.ts';
import { postmanCollection } from './postman-collection.ts';
import { statusPageHtml, statusSummary, type StatusPageOptions } from './status-page.ts';

export interface DocsRoutesOptions {
  readonly routes: readonly BridgeRoute[];
  readonly edgeRoutes: readonly EdgeRouteDoc[];
  readonly version: string;
  readonly contact: ApiContact;
  /** What `/api/docs/status` reports. */
  readonly status: Pick<StatusPageOptions, 'startedAt' | 'health'>;
}

/** A Host a client sent, if it looks like one; the generated documents embed it as their default base URL. */
const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;
const baseUrlOf = (host: string | undefined) => `http://${host !== undefined && HOST.test(host) ? host : 'localhost:4000'}`;

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/** `/api/openapi.json`, Swagger UI at `/api/docs`, ReDoc at `/api/redoc` (CONTRACT.md section 5). */
export function docsRoutes(options: DocsRoutesOptions): RouteTable {
  // Built once: the route table does not change while the process runs. Postman and
  // the examples are read off the OpenAPI document itself, so the three never disagree.
  const document = openApiDocument(options);
  const operations = documentedOperations(document);
  const examples = Object.fromEntries(
    EXAMPLE_LANGUAGES.map((language) => [
      `/api/docs/examples/${language}`,
      {
        GET: async ({ request, response }: { request: IncomingMessage; response: ServerResponse }) =>
          sendText(response, EXAMPLE_MEDIA_TYPES[language], codeExamples(language, operations, baseUrlOf(request.headers.host)), DOCS_CSP),
      },
    ]),
  );
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
    '/api/docs/postman': {
      GET: async ({ request, response }) => {
        response.setHeader('Cache-Control', 'no-cache');
        response.setHeader('Content-Disposition', 'inline; filename="federation-gateway.postman_collection.json"');
        sendJson(response, 200, postmanCollection(operations, { version: options.version, baseUrl: baseUrlOf(request.headers.host) }));
      },
    },
    ...examples,
    '/api/docs/status': {
      GET: async ({ request, response, requestId }) => {
        const summary = await statusSummary({ ...options.status, version: options.version, documentedRoutes: operations.length });
        response.setHeader('Cache-Control', 'no-store');
        if (/\btext\/html\b/.test(request.headers.accept ?? '')) return sendText(response, 'text/html', statusPageHtml(summary), DOCS_CSP);
        sendJson(response, 200, successEnvelope(summary, requestId));
      },
    },
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
