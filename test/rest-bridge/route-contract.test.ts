import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRIDGE_ROUTES } from '../../rest-bridge/route-table.ts';
import { startBridgeContext, type BridgeContext } from './bridge-context.ts';
import { ROUTE_CASES } from './route-cases.ts';

type Schema = Record<string, unknown>;
type OpenApi = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>>; components: { schemas: Record<string, Schema> } };

const keyOf = (route: { method: string; path: string }) => `${route.method} ${route.path}`;
const openApiPath = (path: string) => path.replace(/\{(\w+)\.\.\.\}/g, '{$1}');
const operationNameOf = (document: string) => /^\s*(?:query|mutation)\s+(\w+)/.exec(document)?.[1];

describe('the REST bridge contract: every route of the table, with valid and with bad input', () => {
  let context: BridgeContext;
  let document: OpenApi;
  const ajv = new Ajv2020({ strict: false, allErrors: true });

  const responseSchema = (path: string, method: string, status: number): Schema => {
    const schema = document.paths[openApiPath(path)]?.[method.toLowerCase()]?.responses[String(status)]?.content?.['application/json']?.schema;
    if (!schema) throw new Error(`OpenAPI declares no ${status} response for ${method} ${path}`);
    return JSON.parse(JSON.stringify(schema).replaceAll('{"$ref":"#/components/schemas/ErrorEnvelope"}', JSON.stringify(document.components.schemas['ErrorEnvelope'])));
  };
  const expectValid = (schema: Schema, body: unknown, what: string) => {
    const validate = ajv.compile(schema);
    expect(validate(body), `${what}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  };

  beforeAll(async () => {
    context = await startBridgeContext();
    document = (await (await fetch(`${context.gateway.url}/api/openapi.json`)).json()) as OpenApi;
  }, 60_000);
  afterAll(() => context?.close());

  it('has a test case for every route and a route for every test case', () => {
    expect(BRIDGE_ROUTES.map(keyOf).filter((key) => !(key in ROUTE_CASES))).toEqual([]);
    expect(Object.keys(ROUTE_CASES).filter((key) => !BRIDGE_ROUTES.some((route) => keyOf(route) === key))).toEqual([]);
  });

  it('publishes an OpenAPI 3.1 document that a validator accepts', async () => {
    const result = await new Validator().validate(document as unknown as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect((document as unknown as { openapi: string }).openapi).toBe('3.1.0');
  });

  for (const route of BRIDGE_ROUTES) {
    const key = keyOf(route);
    it(`${key}: runs its operation and answers the declared envelope; bad input gets a named 4xx`, async () => {
      const routeCase = ROUTE_CASES[key];
      if (!routeCase) throw new Error(`no test case for ${key}: add one to test/rest-bridge/route-cases.ts`);

      const valid = await routeCase.valid(context);
      const body = (await valid.json()) as Record<string, any>;
      const status = routeCase.validStatus ?? route.successStatus;
      expect(valid.status, JSON.stringify(body)).toBe(status);
      expect(body).toMatchObject({ success: true, request_id: valid.headers.get('x-request-id') });
      expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const sample = route.operation({ params: { module_name: 'code-sandbox' }, query: {}, body: {} });
      if ('document' in sample) expect(valid.headers.get('x-graphql-operation')).toBe(operationNameOf(sample.document));
      expectValid(responseSchema(route.path, route.method, route.successStatus), body, `${key} success`);

      const bad = await routeCase.bad(context);
      const error = (await bad.json()) as Record<string, any>;
      expect(bad.status, JSON.stringify(error)).toBe(routeCase.badStatus);
      expect(error).toMatchObject({ success: false, error_code: routeCase.badCode });
      if (routeCase.badError) expect(error.error).toContain(routeCase.badError);
      expect(JSON.stringify(error)).not.toMatch(/at .*\.ts:\d+|stack/i);
      expectValid(responseSchema(route.path, route.method, routeCase.badStatus), error, `${key} error`);
    });
  }

  it('answers an unknown route with the 404 envelope', async () => {
    const response = await context.call('GET', '/api/v2/nothing-here', { token: context.free.token });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ success: false, error_code: 'RESOURCE_NOT_FOUND', error: "Route 'GET /api/v2/nothing-here' not found" });
  });

  it('counts one REST call once against the caller’s limit', async () => {
    // Six a minute: a slot returns every 10 s, so calls in a row show exactly one count each.
    const created = await context.call('POST', '/api/v1/api-keys', { token: context.pro.token, body: { name: 'counted', limit_per_minute: 6 } });
    const apiKey = ((await created.json()) as { data: { api_key: string } }).data.api_key;
    const remaining = async () => Number((await context.call('GET', '/v1/tokens', { headers: { 'x-api-key': apiKey } })).headers.get('x-ratelimit-remaining'));
    expect([await remaining(), await remaining(), await remaining()]).toEqual([5, 4, 3]);
  });
});
