import { CALLBACK_HEADER_DOCS, TRAINING_CALLBACK_PATH } from '../../core/signatures/training-callback.ts';
import type { BackendConfig } from '../../gateway/backend/backend-routes.ts';
import { EXAMPLE_LANGUAGES, EXAMPLE_MEDIA_TYPES } from './code-examples.ts';
import type { EdgeRouteDoc } from './edge-route-doc.ts';
import { checkResultSchema, healthReportSchema, livenessSchema } from '../../gateway/http/health-report.ts';
import { trainingProgressAnswerSchema, uploadAnswerSchema } from '../../gateway/http/v1-answers.ts';
import { postmanCollectionSchema } from './postman-collection.ts';
import { statusSummarySchema } from './status-page.ts';
import { BULK_ROUTE_DOCS } from './bulk-route-docs.ts';

/** The edge's own routes, which are not GraphQL operations but belong in the same document. */
export const EDGE_ROUTE_DOCS: readonly EdgeRouteDoc[] = [
  {
    method: 'GET',
    path: '/api/docs/postman',
    tag: 'docs',
    auth: 'none',
    summary: 'A Postman collection (v2.1) of every route in this document, with baseUrl, bearerToken and apiKey variables',
    description:
      "Generated from this document when the gateway starts: one folder per tag, collection auth {{bearerToken}} (or a disabled X-API-Key header per request for {{apiKey}}), and {{baseUrl}} set to the Host the collection was fetched from. Each request carries tests: its status is one this document declares, never a 500, and the envelope carries the request id. POST /auth/logout runs last, so a run of the whole collection stays signed in.",
    success: { 'application/json': { json: postmanCollectionSchema } },
    successStatus: 200,
  },
  ...EXAMPLE_LANGUAGES.map((language) => ({
    method: 'GET' as const,
    path: `/api/docs/examples/${language}`,
    tag: 'docs',
    auth: 'none' as const,
    summary: `A ${language} program calling every route in this document with sample input`,
    description:
      `Generated from this document: one call per operation with the sample input the document implies, in the order of the document. It reads BASE_URL, TOKEN and API_KEY from the environment; the samples send nothing outside the gateway (webhook URLs are .invalid hosts).`,
    success: { [EXAMPLE_MEDIA_TYPES[language]]: { text: `The ${language} program, as text` } },
    successStatus: 200,
  })),
  {
    method: 'GET',
    path: '/api/docs/status',
    tag: 'docs',
    auth: 'none',
    summary: 'Version, uptime and a health summary; an HTML page when the client accepts text/html',
    description:
      "The counts of GET /health/detailed (database, Redis, subgraphs, module and /v1 upstreams by status), the gateway's version, start time, uptime and how many operations this document describes. JSON in the envelope by default; a page without scripts when Accept names text/html. Always 200: a degraded gateway says so in `status`.",
    success: {
      'application/json': { envelope: statusSummarySchema },
      'text/html': { text: 'The same summary as a page (Accept: text/html)' },
    },
    successStatus: 200,
  },
  {
    method: 'GET',
    path: '/health',
    tag: 'health',
    auth: 'none',
    summary: 'Liveness',
    description:
      "200 while the process answers requests; it probes nothing (GET /health/detailed does). Not authenticated and not counted against any rate limit, so load balancers may poll it.",
    success: { 'application/json': { envelope: livenessSchema } },
    successStatus: 200,
  },
  {
    method: 'GET',
    path: '/health/detailed',
    tag: 'health',
    auth: 'none',
    summary: 'Database, Redis, subgraphs, modules and /v1 upstreams',
    description:
      "Probes the database, Redis (when configured) and every subgraph, each within 2 s, and reports the module and /v1 upstreams as last probed (reported, not required: a module that is down degrades only itself), open subscriptions, backend pass-throughs and the process. 200 with `success: true` when the database, Redis and every subgraph are up; otherwise 503 with the same report and `success: false`.",
    success: { 'application/json': { envelope: healthReportSchema } },
    otherAnswers: { 503: { description: 'Degraded: the same report, with success false', content: { 'application/json': { envelope: healthReportSchema, failed: true } } } },
    successStatus: 200,
  },
  {
    method: 'GET',
    path: '/health/redis',
    tag: 'health',
    auth: 'none',
    summary: 'Redis reachability',
    description:
      "Pings Redis when REDIS_URL is set. 200 with status up, or not_configured when the gateway keeps its counters in memory; 503 with status down (and `success: false`) when the ping fails or takes over 2 s.",
    success: { 'application/json': { envelope: checkResultSchema } },
    otherAnswers: { 503: { description: 'Redis is down: the probe, with success false', content: { 'application/json': { envelope: checkResultSchema, failed: true } } } },
    successStatus: 200,
  },
  {
    method: 'POST',
    path: '/v1/upload',
    tag: 'v1',
    auth: 'required',
    summary: 'Upload a file (multipart field "file"); the knowledge service gets a signed link to it',
    description:
      "A multipart/form-data body with one file part named `file`, at most UPLOAD_MAX_BYTES (413 past it). The gateway stores the bytes, records the upload as the caller's, and hands the knowledge upstream a signed, expiring link to fetch them. 201 with the upload record; 503 when the knowledge upstream could not take the link (the stored file is kept and the error names the upload).",
    requestBody: {
      mediaType: 'multipart/form-data',
      schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', contentMediaType: 'application/octet-stream' } } },
    },
    success: { 'application/json': { envelope: uploadAnswerSchema } },
    successStatus: 201,
  },
  {
    method: 'POST',
    path: TRAINING_CALLBACK_PATH,
    requiredHeaders: CALLBACK_HEADER_DOCS,
    tag: 'v1',
    auth: 'signature',
    summary: "The training upstream's progress report, signed with the job's callback secret (X-Callback-Timestamp, X-Callback-Signature)",
    description:
      "Called by the training upstream, not by clients: the report is signed with the job's own callback secret (handed to the upstream with the job), which is the credential, so no token or key is sent and the call is not rate limited. 401 when a header is missing, the signature does not match the raw body or the timestamp is outside the window. Progress is published to subscribers, /ws and webhooks; the answer is the job's state after the report.",
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
    success: { 'application/json': { envelope: trainingProgressAnswerSchema } },
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
        description: `Everything under ${route.prefix}/ reaches backend '${route.name}' behind the gateway's identity (${route.auth === 'required' ? 'a token or key is required' : 'credentials optional'}) and rate limits; this document knows nothing of the backend's own API. The answer is the backend's, status and body, streamed back; the gateway answers itself only with 413 (a body over ${route.maxBodyBytes} bytes) and 503 (the backend unreachable, timed out or its circuit open), in the error envelope. HEAD and OPTIONS pass too.`,
        successStatus: 200,
        passThrough: { backend: route.name, maxBodyBytes: route.maxBodyBytes },
      }),
    ),
  );
}
