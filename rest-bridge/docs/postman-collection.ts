import { z } from 'zod';
import { ERROR_CODES } from '../../core/errors/error-codes.ts';
import type { DocumentedOperation } from './documented-operations.ts';

const SCHEMA = 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json';

const keyValue = z.object({ key: z.string(), value: z.string(), type: z.string().optional(), disabled: z.boolean().optional() });

/** The part of Postman's collection format v2.1 this generator writes: what `/api/docs/postman` answers. */
export const postmanCollectionSchema = z
  .object({
    info: z.object({ name: z.string(), description: z.string(), schema: z.literal(SCHEMA) }),
    auth: z.object({ type: z.literal('bearer'), bearer: z.array(keyValue) }),
    variable: z.array(keyValue).describe('baseUrl, bearerToken, apiKey'),
    item: z
      .array(
        z.object({
          name: z.string().describe('A tag of the OpenAPI document'),
          item: z.array(
            z.object({
              name: z.string().describe('METHOD /path, as in the OpenAPI document'),
              request: z.object({
                description: z.string(),
                method: z.string(),
                header: z.array(keyValue),
                url: z.object({ raw: z.string(), host: z.array(z.string()), path: z.array(z.string()), query: z.array(keyValue).optional(), variable: z.array(keyValue).optional() }),
                body: z
                  .union([
                    z.object({ mode: z.literal('raw'), raw: z.string(), options: z.object({ raw: z.object({ language: z.literal('json') }) }) }),
                    z.object({ mode: z.literal('formdata'), formdata: z.array(z.object({ key: z.string(), type: z.literal('file'), src: z.array(z.string()) })) }),
                  ])
                  .optional(),
                auth: z.object({ type: z.literal('noauth') }).optional(),
              }),
              event: z.array(z.object({ listen: z.literal('test'), script: z.object({ type: z.literal('text/javascript'), exec: z.array(z.string()) }) })),
            }),
          ),
        }),
      )
      .describe('One folder per tag'),
  })
  .describe(`A Postman collection, format v2.1 (${SCHEMA})`);

type PostmanCollection = z.infer<typeof postmanCollectionSchema>;
type PostmanItem = PostmanCollection['item'][number]['item'][number];

/** Requests that end the caller's session come last, so a run of the whole collection keeps its token until the end. */
const RUNS_LAST: ReadonlySet<string> = new Set(['POST /auth/logout']);

const lines = (text: string) => text.trim().split('\n');

/** The assertions each request carries: Newman and Postman's runner report them. */
function testScript(operation: DocumentedOperation): string[] {
  const declared = operation.anyStatus
    ? ''
    : `
pm.test('answers a status the OpenAPI document declares', function () {
  pm.expect(${JSON.stringify(operation.statuses)}).to.include(pm.response.code);
});`;
  const script = `${declared}
pm.test('is not an internal error', function () {
  pm.expect(pm.response.code).to.not.equal(500);
});`;
  if (!operation.envelope) return lines(script);
  return lines(`${script}
pm.test('answers the envelope, with the request id', function () {
  const body = pm.response.json();
  pm.expect(body.success).to.be.a('boolean');
  pm.expect(body.request_id).to.equal(pm.response.headers.get('X-Request-ID'));
  if (body.success) pm.expect(pm.response.code).to.equal(${operation.successStatus});
  else pm.expect(${JSON.stringify(Object.keys(ERROR_CODES))}).to.include(body.error_code);
});`);
}

function bodyOf(operation: DocumentedOperation): PostmanItem['request']['body'] {
  if (!operation.body) return undefined;
  if (operation.body.kind === 'json') return { mode: 'raw', raw: JSON.stringify(operation.body.sample, null, 2), options: { raw: { language: 'json' } } };
  return { mode: 'formdata', formdata: operation.body.fileFields.map((key) => ({ key, type: 'file', src: [] })) };
}

function requestItem(operation: DocumentedOperation): PostmanItem {
  const segments = operation.path.split('/').filter(Boolean).map((segment) => segment.replace(/^\{(\w+)\}$/, ':$1'));
  const query = operation.queryParameters.map((parameter) => ({ key: parameter.name, value: parameter.sample, disabled: !parameter.required }));
  const enabledQuery = query.filter((parameter) => !parameter.disabled);
  const raw = `{{baseUrl}}/${segments.join('/')}${enabledQuery.length ? `?${enabledQuery.map((p) => `${p.key}=${p.value}`).join('&')}` : ''}`;
  const body = bodyOf(operation);
  return {
    name: `${operation.method} ${operation.path}`,
    request: {
      description: `${operation.summary}\n\n${operation.description}`,
      method: operation.method,
      header: [
        ...(operation.body?.kind === 'json' ? [{ key: 'Content-Type', value: 'application/json' }] : []),
        // Switch from the bearer token to a key: enable this header and set the request's auth to "No Auth".
        ...(operation.authenticated ? [{ key: 'X-API-Key', value: '{{apiKey}}', disabled: true }] : []),
      ],
      url: {
        raw,
        host: ['{{baseUrl}}'],
        path: segments,
        ...(query.length ? { query } : {}),
        ...(operation.pathParameters.length ? { variable: operation.pathParameters.map((p) => ({ key: p.name, value: p.sample })) } : {}),
      },
      ...(body ? { body } : {}),
      ...(operation.authenticated ? {} : { auth: { type: 'noauth' } }),
    },
    event: [{ listen: 'test', script: { type: 'text/javascript', exec: testScript(operation) } }],
  };
}

/**
 * A Postman collection (v2.1) of every documented operation, one folder per tag,
 * authenticated with `{{bearerToken}}` (or `{{apiKey}}`) against `{{baseUrl}}`.
 */
export function postmanCollection(operations: readonly DocumentedOperation[], options: { version: string; baseUrl: string }): PostmanCollection {
  const ordered = [...operations].sort((a, b) => Number(RUNS_LAST.has(`${a.method} ${a.path}`)) - Number(RUNS_LAST.has(`${b.method} ${b.path}`)));
  const folders = new Map<string, ReturnType<typeof requestItem>[]>();
  for (const operation of ordered) {
    const folder = folders.get(operation.tag) ?? [];
    folder.push(requestItem(operation));
    folders.set(operation.tag, folder);
  }
  const tagsLast = [...folders.keys()].filter((tag) => folders.get(tag)?.some((item) => RUNS_LAST.has(item.name)));
  const tags = [...[...folders.keys()].filter((tag) => !tagsLast.includes(tag)), ...tagsLast];
  return {
    info: {
      name: 'Federation gateway: REST routes',
      description: `Generated from the route table behind /api/openapi.json (version ${options.version}). Set bearerToken (from POST /auth/login) or apiKey.`,
      schema: SCHEMA,
    },
    auth: { type: 'bearer', bearer: [{ key: 'token', value: '{{bearerToken}}', type: 'string' }] },
    variable: [
      { key: 'baseUrl', value: options.baseUrl, type: 'string' },
      { key: 'bearerToken', value: '', type: 'string' },
      { key: 'apiKey', value: '', type: 'string' },
    ],
    item: tags.map((tag) => ({ name: tag, item: folders.get(tag) ?? [] })),
  };
}
