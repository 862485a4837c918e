import type { BridgeRoute } from '../bridge-route.ts';
import { bridgeOperation } from './bridge-operation.ts';
import { edgeOperation } from './edge-operation.ts';
import type { EdgeRouteDoc } from './edge-route-doc.ts';
import { ERROR_ENVELOPE } from './json-schemas.ts';
import { openApiPath } from './operation-parameters.ts';

/** Who answers questions about this API (DOCS_CONTACT_*): the document's `info.contact`. */
export interface ApiContact {
  readonly name: string;
  readonly email?: string;
  readonly url?: string;
}

export interface OpenApiDocumentOptions {
  readonly routes: readonly BridgeRoute[];
  readonly edgeRoutes: readonly EdgeRouteDoc[];
  readonly version: string;
  readonly contact: ApiContact;
}

/** OpenAPI 3.1 for every legacy route, generated from the route table: nothing is written by hand twice. */
export function openApiDocument(options: OpenApiDocumentOptions) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of options.routes) (paths[openApiPath(route.path)] ??= {})[route.method.toLowerCase()] = bridgeOperation(route);
  for (const route of options.edgeRoutes) (paths[openApiPath(route.path)] ??= {})[route.method.toLowerCase()] = edgeOperation(route);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Federation gateway: legacy REST routes',
      version: options.version,
      description: 'Each route runs a GraphQL operation on the federated graph at /graphql, with the same identity, limits and errors.',
      contact: { ...options.contact },
    },
    servers: [{ url: '/' }],
    tags: [...new Set([...options.routes.map((route) => route.tag), ...options.edgeRoutes.map((route) => route.tag)])].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        apiKeyAuth: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
      schemas: { ErrorEnvelope: ERROR_ENVELOPE },
    },
  };
}
