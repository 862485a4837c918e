import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { startTestGateway, testConfig } from '../support/gateway-harness.ts';
import { describeFinding, lintOpenApi, type LintFinding } from '../support/openapi-lint.ts';

type Schema = Record<string, any>;
interface Parameter {
  readonly name: string;
  readonly in: string;
  readonly required?: boolean;
  readonly schema?: Schema;
  readonly description?: string;
}
interface Operation {
  readonly description?: string;
  readonly parameters?: readonly Parameter[];
  readonly responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}
interface OpenApi {
  readonly info: Record<string, any>;
  readonly paths: Record<string, Record<string, Operation>>;
}

/** What makes a schema say something: a non-object type, members, a reference, fixed values or variants. */
const STRUCTURE = ['properties', 'additionalProperties', 'patternProperties', 'items', 'prefixItems', '$ref', 'const', 'enum', 'anyOf', 'oneOf', 'allOf'];

/**
 * Where a schema leaves a client guessing: a bare object or array, or `{}` ("any"),
 * without a description saying what it holds (an upstream's own body may be any
 * JSON, but the document must say whose body it is). Walks members and variants;
 * the variants of a described schema (`T | null`) share its description.
 */
function guesswork(schema: unknown, at: string, describedAbove = false): string[] {
  if (typeof schema !== 'object' || schema === null) return [at];
  const node = schema as Schema;
  const types = ([] as unknown[]).concat(node['type'] ?? []);
  const described = describedAbove || typeof node['description'] === 'string';
  const said = STRUCTURE.some((key) => key in node) || types.some((type) => type !== 'object' && type !== 'array') || described;
  const found = said ? [] : [at];
  for (const [name, member] of Object.entries((node['properties'] ?? {}) as Record<string, unknown>)) found.push(...guesswork(member, `${at}.${name}`));
  if (typeof node['items'] === 'object') found.push(...guesswork(node['items'], `${at}[]`));
  // A described map may hold any values (`{}`): its description says what they are.
  const values = node['additionalProperties'];
  const describedMap = described && typeof values === 'object' && values !== null && Object.keys(values).length === 0;
  if (typeof values === 'object' && !describedMap) found.push(...guesswork(values, `${at}{*}`));
  for (const key of ['anyOf', 'oneOf', 'allOf']) for (const [index, variant] of ((node[key] ?? []) as unknown[]).entries()) found.push(...guesswork(variant, `${at}.${key}[${index}]`, described));
  return found;
}

describe('the served /api/openapi.json, as a client generator and a linter read it', () => {
  let gateway: RunningGateway;
  let document: OpenApi;
  let findings: LintFinding[];

  beforeAll(async () => {
    // A backend pass-through too, so its generated operations are linted with the rest. Nothing calls it.
    gateway = await startTestGateway({
      BACKEND_ROUTES: '/legacy/*=http://127.0.0.1:9;name=legacy',
      DOCS_CONTACT_NAME: 'Platform API team',
      DOCS_CONTACT_EMAIL: 'api@example.com',
      DOCS_CONTACT_URL: 'https://example.com/support',
    });
    document = (await (await fetch(`${gateway.url}/api/openapi.json`)).json()) as OpenApi;
    findings = await lintOpenApi(document);
  }, 60_000);
  afterAll(() => gateway?.close());

  it("has no error and no warning under Spectral's oas ruleset (both printed with their count)", () => {
    const warnings = findings.filter((finding) => finding.severity !== 'error');
    console.log(`Spectral oas: ${findings.length - warnings.length} errors, ${warnings.length} warnings${findings.map((finding) => `\n  ${describeFinding(finding)}`).join('')}`);
    expect(findings.filter((finding) => finding.severity === 'error').map(describeFinding)).toEqual([]);
    // Each warning is a gap a reader or a generator trips on; one accepted on purpose would be listed here with its reason.
    expect(warnings.map(describeFinding)).toEqual([]);
  });

  const parameters = (method: string, path: string, where: string) =>
    Object.fromEntries((document.paths[path]?.[method]?.parameters ?? []).filter((parameter) => parameter.in === where).map((parameter) => [parameter.name, parameter]));

  it('declares the {id} of the bulk report and download, and the format the report takes', () => {
    for (const path of ['/api/v1/bulk/operations/{id}/report', '/api/v1/bulk/operations/{id}/download']) {
      expect(parameters('get', path, 'path')['id'], path).toMatchObject({ required: true, schema: { type: 'string' } });
    }
    expect(parameters('get', '/api/v1/bulk/operations/{id}/report', 'query')['format']).toMatchObject({ required: false, schema: { enum: ['csv', 'json'], default: 'csv' } });
    expect(Object.keys(parameters('get', '/api/v1/bulk/operations/{id}/download', 'query'))).toEqual([]);
  });

  it('declares the signed link of an export (id, expires, signature) and the signature headers of the training callback', () => {
    const link = parameters('get', '/api/v1/bulk/exports/content', 'query');
    expect(Object.keys(link).sort()).toEqual(['expires', 'id', 'signature']);
    for (const parameter of Object.values(link)) expect(parameter, parameter.name).toMatchObject({ required: true, schema: { type: 'string' }, description: expect.any(String) });
    expect(link['expires']?.schema?.['pattern']).toBeDefined();

    const headers = parameters('post', '/v1/training/callback', 'header');
    expect(Object.keys(headers).sort()).toEqual(['X-Callback-Signature', 'X-Callback-Timestamp']);
    for (const header of Object.values(headers)) expect(header, header.name).toMatchObject({ required: true, schema: { type: 'string' }, description: expect.any(String) });
    expect(headers['X-Callback-Signature']?.description).toContain('HMAC');
  });

  it('describes every operation beyond its summary, and names a contact (DOCS_CONTACT_*)', () => {
    const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ key: `${method.toUpperCase()} ${path}`, ...operation })));
    expect(operations.length).toBeGreaterThan(60);
    const undescribed = operations.filter((operation) => typeof operation.description !== 'string' || operation.description.trim().length < 20 || operation.description === (operation as { summary?: string }).summary);
    expect(undescribed.map((operation) => operation.key)).toEqual([]);
    expect(document.info['contact']).toEqual({ name: 'Platform API team', email: 'api@example.com', url: 'https://example.com/support' });
    expect(testConfig().docs.contact).toEqual({ name: 'Gateway operators' });
    expect(() => testConfig({ DOCS_CONTACT_URL: 'mailto:x' })).toThrow(/DOCS_CONTACT_URL/);
  });

  it('documents what every answer holds: no bare object or "any"; an upstream\'s body as the envelope, saying what `data` carries', () => {
    const gaps: string[] = [];
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          for (const [mediaType, { schema }] of Object.entries(response.content ?? {})) {
            const at = `${method.toUpperCase()} ${path} ${status} ${mediaType}`;
            gaps.push(...guesswork(schema, at));
            // A text or binary body is a string to a client generator: the description says what is in it.
            if (!mediaType.includes('json') && typeof schema['description'] !== 'string') gaps.push(`${at} (undescribed ${mediaType})`);
          }
        }
      }
    }
    expect(gaps).toEqual([]);
  });

  it('documents the degraded answers of /health/detailed and /health/redis: the report itself, with success false, not the error envelope', () => {
    for (const path of ['/health/detailed', '/health/redis']) {
      const degraded = document.paths[path]?.['get']?.responses['503']?.content?.['application/json']?.schema;
      expect(degraded?.['properties']?.['success'], path).toEqual({ const: false });
      expect(degraded?.['properties']?.['data']?.['properties']?.['status'], path).toBeDefined();
    }
  });

  it("keeps a backend pass-through's own statuses out of the Postman tests: no status list that is not numbers", async () => {
    type Item = { name: string; event: { script: { exec: string[] } }[] };
    const collection = (await (await fetch(`${gateway.url}/api/docs/postman`)).json()) as { item: { item: Item[] }[] };
    const items = collection.item.flatMap((folder) => folder.item);
    const declaredLists = items.flatMap((item) => item.event.flatMap((event) => event.script.exec)).filter((line) => line.includes('to.include(pm.response.code)'));
    expect(declaredLists.length).toBeGreaterThan(60);
    for (const line of declaredLists) expect(line).toMatch(/pm\.expect\(\[\d{3}(,\d{3})*\]\)/);
    const passThrough = items.find((item) => item.name === 'GET /legacy/{path}');
    expect(passThrough?.event[0]?.script.exec.join('\n')).not.toContain('answers a status the OpenAPI document declares');
    expect(passThrough?.event[0]?.script.exec.join('\n')).toContain('is not an internal error');
  });
});
