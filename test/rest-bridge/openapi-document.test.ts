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

  it("has no error under Spectral's oas ruleset (warnings are printed with their count)", () => {
    const warnings = findings.filter((finding) => finding.severity !== 'error');
    console.log(`Spectral oas: ${findings.length - warnings.length} errors, ${warnings.length} warnings${warnings.map((w) => `\n  ${describeFinding(w)}`).join('')}`);
    expect(findings.filter((finding) => finding.severity === 'error').map(describeFinding)).toEqual([]);
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
});
