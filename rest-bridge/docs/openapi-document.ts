import { z } from 'zod';
import { ERROR_CODES } from '../../core/errors/error-codes.ts';
import type { BridgeRoute } from '../bridge-route.ts';
import { compilePath } from '../path-pattern.ts';

/** Routes the edge serves itself (not GraphQL operations), documented alongside the bridge's. */
export interface EdgeRouteDoc {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  readonly auth: 'none' | 'required' | 'signature';
  /** What each `{name}` of the path names. */
  readonly pathParameters?: Readonly<Record<string, string>>;
  /** The query the route reads, as the route parses it. */
  readonly query?: z.ZodType;
  /** Headers the route requires, by name (any case), with what each carries. */
  readonly requiredHeaders?: Readonly<Record<string, string>>;
  /** Request body media type and schema, when there is one. */
  readonly requestBody?: { readonly mediaType: string; readonly schema: Record<string, unknown> };
  /** What a success answers. @default application/json, an object */
  readonly responseMediaTypes?: readonly string[];
  readonly successStatus: number;
  /** A generic pass-through (the backend proxy): any body either way, the backend's own statuses. */
  readonly passThrough?: { readonly backend: string; readonly maxBodyBytes: number };
}

type JsonSchema = Record<string, unknown>;

const jsonSchemaOf = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

const ERROR_ENVELOPE: JsonSchema = {
  type: 'object',
  required: ['success', 'error', 'error_code', 'timestamp', 'request_id'],
  properties: {
    success: { const: false },
    error: { type: 'string' },
    error_code: { type: 'string', enum: Object.keys(ERROR_CODES) },
    message: { type: 'string' },
    reason: {
      type: 'string',
      description: 'What the client should do, where the code alone does not say: MFA_ENROLMENT_REQUIRED (enrol a second factor, then sign in again), TOKEN_EXPIRED (refresh), TRUSTED_DOCUMENT_REQUIRED, …',
    },
    timestamp: { type: 'string' },
    request_id: { type: 'string' },
  },
};

export const successEnvelopeSchema = (data: JsonSchema): JsonSchema => ({
  type: 'object',
  required: ['success', 'data', 'timestamp', 'request_id'],
  properties: { success: { const: true }, data, message: { type: 'string' }, timestamp: { type: 'string' }, request_id: { type: 'string' } },
});

/** `{path...}` is not an OpenAPI template; it is documented as one parameter holding the rest of the path. */
const openApiPath = (path: string) => path.replace(/\{(\w+)\.\.\.\}/g, '{$1}');

const errorResponses = Object.fromEntries(
  Object.entries(ERROR_CODES).map(([code, { status }]) => [status, { description: code, content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } } }]),
);

function security(auth: EdgeRouteDoc['auth'] | BridgeRoute['auth']) {
  return auth === 'required' ? [{ bearerAuth: [] }, { apiKeyAuth: [] }] : [];
}

/** One query parameter per property of the schema the route parses its query with; a property's description becomes the parameter's. */
function queryParameters(query: z.ZodType | undefined) {
  if (!query) return [];
  const shape = jsonSchemaOf(query, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(shape.properties ?? {}).map(([name, { description, ...schema }]) => ({
    name,
    in: 'query',
    required: shape.required?.includes(name) ?? false,
    ...(typeof description === 'string' ? { description } : {}),
    schema,
  }));
}

function bridgeOperation(route: BridgeRoute) {
  const params = compilePath(route.path).names.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  const query = queryParameters(route.query);
  return {
    summary: route.summary,
    tags: [route.tag],
    operationId: `${route.method.toLowerCase()}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    security: security(route.auth),
    parameters: [...params, ...query],
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchemaOf(route.body, 'input') } } } } : {}),
    responses: {
      [route.successStatus]: { description: 'Success', content: { 'application/json': { schema: successEnvelopeSchema(jsonSchemaOf(route.response, 'output')) } } },
      ...errorResponses,
    },
  };
}

const ANY_CONTENT = { '*/*': { schema: {} } };

function passThroughResponses({ backend, maxBodyBytes }: NonNullable<EdgeRouteDoc['passThrough']>) {
  const envelope = { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } };
  const unavailable = { description: `Backend '${backend}' unreachable, timed out or its circuit open`, content: envelope };
  const tooLarge = { description: `PAYLOAD_TOO_LARGE: a body over ${maxBodyBytes} bytes (BACKEND_MAX_BODY_BYTES or the route's max_body), by Content-Length before anything is sent, or while streaming (the backend request is then aborted)`, content: envelope };
  return { default: { description: "The backend's own response, streamed back unchanged (hop-by-hop headers and Set-Cookie removed)", content: ANY_CONTENT }, ...errorResponses, 413: tooLarge, 503: unavailable };
}

/** A `{name...}` parameter holds the rest of the path; the others are one segment each. */
function pathParameters(path: string, descriptions: Readonly<Record<string, string>> = {}) {
  const rest = /\{(\w+)\.\.\.\}/.exec(path)?.[1];
  return compilePath(path).names.map((name) => {
    const description = name === rest ? 'The rest of the path, passed on as it is' : descriptions[name];
    return { name, in: 'path', required: true, schema: { type: 'string' }, ...(description ? { description } : {}) };
  });
}

/** `x-callback-timestamp` as it is usually written, `X-Callback-Timestamp`. */
const headerName = (name: string) => name.toLowerCase().replace(/(^|-)([a-z])/g, (_m, dash: string, letter: string) => `${dash}${letter.toUpperCase()}`);

const headerParameters = (headers: EdgeRouteDoc['requiredHeaders'] = {}) =>
  Object.entries(headers).map(([name, description]) => ({ name: headerName(name), in: 'header', required: true, description, schema: { type: 'string' } }));

function edgeOperation(route: EdgeRouteDoc) {
  const params = pathParameters(route.path, route.pathParameters);
  if (route.passThrough) {
    return {
      summary: route.summary,
      tags: [route.tag],
      operationId: `${route.method.toLowerCase()}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      security: security(route.auth),
      parameters: params,
      ...(route.method === 'GET' || route.method === 'DELETE'
        ? {}
        : { requestBody: { required: false, description: `Streamed to the backend unchanged, at most ${route.passThrough.maxBodyBytes} bytes`, content: ANY_CONTENT } }),
      responses: passThroughResponses(route.passThrough),
    };
  }
  return {
    summary: route.summary,
    tags: [route.tag],
    operationId: `${route.method.toLowerCase()}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    security: security(route.auth),
    parameters: [...params, ...queryParameters(route.query), ...headerParameters(route.requiredHeaders)],
    ...(route.requestBody ? { requestBody: { required: true, content: { [route.requestBody.mediaType]: { schema: route.requestBody.schema } } } } : {}),
    responses: {
      [route.successStatus]: {
        description: 'Success',
        content: Object.fromEntries((route.responseMediaTypes ?? ['application/json']).map((type) => [type, { schema: { type: type.endsWith('json') ? 'object' : 'string' } }])),
      },
      ...errorResponses,
    },
  };
}

/** OpenAPI 3.1 for every legacy route, generated from the route table: nothing is written by hand twice. */
export function openApiDocument(options: { routes: readonly BridgeRoute[]; edgeRoutes: readonly EdgeRouteDoc[]; version: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of options.routes) (paths[openApiPath(route.path)] ??= {})[route.method.toLowerCase()] = bridgeOperation(route);
  for (const route of options.edgeRoutes) (paths[openApiPath(route.path)] ??= {})[route.method.toLowerCase()] = edgeOperation(route);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Federation gateway: legacy REST routes',
      version: options.version,
      description: 'Each route runs a GraphQL operation on the federated graph at /graphql, with the same identity, limits and errors.',
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
