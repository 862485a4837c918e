import { pathParameterSample, sampleOf } from './request-samples.ts';

type JsonSchema = Record<string, any>;

/** One operation of the OpenAPI document, with sample input: what Postman and the code examples are made of. */
export interface DocumentedOperation {
  readonly method: string;
  /** The OpenAPI path template, `/api/v1/webhooks/{id}/deliveries`. */
  readonly path: string;
  readonly summary: string;
  readonly description: string;
  readonly tag: string;
  readonly authenticated: boolean;
  readonly pathParameters: readonly { readonly name: string; readonly sample: string }[];
  readonly queryParameters: readonly { readonly name: string; readonly required: boolean; readonly sample: string }[];
  readonly body: { readonly kind: 'json'; readonly sample: unknown } | { readonly kind: 'multipart'; readonly fileFields: readonly string[] } | null;
  readonly successStatus: number;
  /** Every status the document declares for the operation. */
  readonly statuses: readonly number[];
  /** The document also declares a range (`2XX`) or `default`: a pass-through answers its backend's own statuses. */
  readonly anyStatus: boolean;
  /** Whether the document's success answer is the `{success, data, request_id}` envelope. */
  readonly envelope: boolean;
}

interface OpenApiOperation {
  summary: string;
  description?: string;
  tags: string[];
  security: unknown[];
  parameters?: { name: string; in: string; required: boolean; schema: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }>;
}

/** A document of the shape `openApiDocument` returns. */
export interface OpenApiPaths {
  readonly paths: Record<string, Record<string, unknown>>;
}

const asText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

function bodyOf(operation: OpenApiOperation): DocumentedOperation['body'] {
  const content = operation.requestBody?.content;
  if (!content) return null;
  const json = content['application/json'];
  // A body of any shape (a module's) is sampled as an empty object rather than a bare null.
  if (json) return { kind: 'json', sample: sampleOf(json.schema) ?? {} };
  const multipart = content['multipart/form-data'];
  if (multipart) return { kind: 'multipart', fileFields: Object.keys(multipart.schema['properties'] ?? {}) };
  return null;
}

/** Walks the OpenAPI document in its own order: every consumer sees exactly the routes it publishes. */
export function documentedOperations(document: OpenApiPaths): DocumentedOperation[] {
  const operations: DocumentedOperation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, raw] of Object.entries(methods)) {
      const operation = raw as OpenApiOperation;
      const keys = Object.keys(operation.responses);
      const statuses = keys.filter((key) => /^\d{3}$/.test(key)).map(Number).sort((a, b) => a - b);
      const successStatus = statuses.find((status) => status < 300) ?? 200;
      const successSchema = operation.responses[String(successStatus)]?.content?.['application/json']?.schema;
      const parameters = operation.parameters ?? [];
      operations.push({
        method: method.toUpperCase(),
        path,
        summary: operation.summary,
        description: operation.description ?? operation.summary,
        tag: operation.tags[0] ?? 'other',
        authenticated: operation.security.length > 0,
        pathParameters: parameters.filter((p) => p.in === 'path').map((p) => ({ name: p.name, sample: pathParameterSample(p.name) })),
        queryParameters: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, required: p.required, sample: asText(sampleOf(p.schema, p.name)) })),
        body: bodyOf(operation),
        successStatus,
        statuses,
        anyStatus: keys.some((key) => !/^\d{3}$/.test(key)),
        envelope: Boolean(successSchema?.['properties']?.['success']),
      });
    }
  }
  return operations;
}

/** `/api/v1/webhooks/{id}/deliveries` with its samples filled in, and required query parameters appended. */
export function samplePath(operation: DocumentedOperation, encode: (value: string) => string = encodeURIComponent): string {
  let path = operation.path;
  for (const parameter of operation.pathParameters) path = path.replace(`{${parameter.name}}`, encode(parameter.sample));
  const query = operation.queryParameters.filter((parameter) => parameter.required).map((parameter) => `${parameter.name}=${encode(parameter.sample)}`);
  return query.length > 0 ? `${path}?${query.join('&')}` : path;
}
