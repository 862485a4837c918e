import { CALLBACK_HEADER_DOCS, TRAINING_CALLBACK_PATH } from '../../core/signatures/training-callback.ts';
import type { BackendConfig } from '../../gateway/backend/backend-routes.ts';
import { EXAMPLE_LANGUAGES, EXAMPLE_MEDIA_TYPES } from './code-examples.ts';
import type { EdgeRouteDoc } from './openapi-document.ts';
import { BULK_ROUTE_DOCS } from './bulk-route-docs.ts';

/** The edge's own routes, which are not GraphQL operations but belong in the same document. */
export const EDGE_ROUTE_DOCS: readonly EdgeRouteDoc[] = [
  { method: 'GET', path: '/api/docs/postman', tag: 'docs', auth: 'none', summary: 'A Postman collection (v2.1) of every route in this document, with baseUrl, bearerToken and apiKey variables', successStatus: 200 },
  ...EXAMPLE_LANGUAGES.map((language) => ({
    method: 'GET' as const,
    path: `/api/docs/examples/${language}`,
    tag: 'docs',
    auth: 'none' as const,
    summary: `A ${language} program calling every route in this document with sample input`,
    responseMediaTypes: [EXAMPLE_MEDIA_TYPES[language]],
    successStatus: 200,
  })),
  {
    method: 'GET',
    path: '/api/docs/status',
    tag: 'docs',
    auth: 'none',
    summary: 'Version, uptime and a health summary; an HTML page when the client accepts text/html',
    responseMediaTypes: ['application/json', 'text/html'],
    successStatus: 200,
  },
  { method: 'GET', path: '/health', tag: 'health', auth: 'none', summary: 'Liveness', successStatus: 200 },
  { method: 'GET', path: '/health/detailed', tag: 'health', auth: 'none', summary: 'Database, Redis, subgraphs, modules and /v1 upstreams', successStatus: 200 },
  { method: 'GET', path: '/health/redis', tag: 'health', auth: 'none', summary: 'Redis reachability', successStatus: 200 },
  {
    method: 'POST',
    path: '/v1/upload',
    tag: 'v1',
    auth: 'required',
    summary: 'Upload a file (multipart field "file"); the knowledge service gets a signed link to it',
    requestBody: {
      mediaType: 'multipart/form-data',
      schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', contentMediaType: 'application/octet-stream' } } },
    },
    successStatus: 201,
  },
  {
    method: 'POST',
    path: TRAINING_CALLBACK_PATH,
    requiredHeaders: CALLBACK_HEADER_DOCS,
    tag: 'v1',
    auth: 'signature',
    summary: "The training upstream's progress report, signed with the job's callback secret (X-Callback-Timestamp, X-Callback-Signature)",
    requestBody: {
      mediaType: 'application/json',
      schema: {
        type: 'object',
        required: ['job_id', 'status', 'progress'],
        properties: {
          job_id: { type: 'string', format: 'uuid' },
          status: { enum: ['running', 'completed', 'failed'] },
          progress: { type: 'number', minimum: 0, maximum: 1 },
          step: { type: 'integer' },
          message: { type: 'string' },
          model_id: { type: 'string' },
          error: { type: 'string' },
        },
      },
    },
    successStatus: 200,
  },
  ...BULK_ROUTE_DOCS,
];

const PASSED_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * BACKEND_ROUTES as generic pass-throughs: the gateway knows nothing of the
 * backend's own API, only that everything under the prefix reaches it, behind
 * the gateway's identity and limits. HEAD and OPTIONS pass too.
 */
export function backendRouteDocs(backend: BackendConfig): EdgeRouteDoc[] {
  return backend.routes.flatMap((route) =>
    PASSED_METHODS.map(
      (method): EdgeRouteDoc => ({
        method,
        path: `${route.prefix}/{path...}`,
        tag: 'backend',
        auth: route.auth === 'required' ? 'required' : 'none',
        summary: `Pass-through to backend '${route.name}': the request and its answer are streamed unchanged, with X-Forwarded-* and the signed X-Gateway-Principal added and the gateway's credentials removed`,
        successStatus: 200,
        passThrough: { backend: route.name, maxBodyBytes: route.maxBodyBytes },
      }),
    ),
  );
}
