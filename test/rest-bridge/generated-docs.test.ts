import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import newman, { type NewmanRunSummary } from 'newman';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login } from '../support/account-flows.ts';
import { graphql } from '../support/graphql-client.ts';
import { runCommandToExit } from '../support/processes.ts';
import { startBridgeContext, type BridgeContext } from './bridge-context.ts';

type OpenApi = { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
type Collection = { info: { schema: string }; variable: { key: string; value: string }[]; item: { name: string; item: { name: string }[] }[] };

const runNewman = (collection: unknown, envVar: { key: string; value: string }[]) =>
  new Promise<NewmanRunSummary>((resolve, reject) =>
    newman.run({ collection: collection as never, envVar, reporters: [], timeoutRequest: 15_000 }, (error, summary) => (error ? reject(error) : resolve(summary))),
  );

describe('documents generated from the route table: Postman collection, code examples, status page', () => {
  let context: BridgeContext;
  let document: OpenApi;
  let operations: { key: string; statuses: number[] }[];
  let folder: string;

  beforeAll(async () => {
    context = await startBridgeContext();
    document = (await (await fetch(`${context.gateway.url}/api/openapi.json`)).json()) as OpenApi;
    operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ key: `${method.toUpperCase()} ${path}`, statuses: Object.keys(operation.responses).map(Number) })),
    );
    folder = await mkdtemp(join(tmpdir(), 'gateway-examples-'));
  }, 60_000);
  afterAll(async () => {
    await context?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('documents the new docs routes themselves in OpenAPI', () => {
    const keys = operations.map((operation) => operation.key);
    for (const key of ['GET /api/docs/postman', 'GET /api/docs/examples/curl', 'GET /api/docs/examples/javascript', 'GET /api/docs/examples/python', 'GET /api/docs/status', 'GET /api/v1/docs/events', 'GET /api/v1/docs/scopes', 'POST /api/v1/events/trigger']) {
      expect(keys).toContain(key);
    }
  });

  it('serves a Postman v2.1 collection holding exactly the operations of /api/openapi.json; Newman runs every request with no failed assertion', async () => {
    const response = await fetch(`${context.gateway.url}/api/docs/postman`);
    expect(response.status).toBe(200);
    const collection = (await response.json()) as Collection;
    expect(collection.info.schema).toBe('https://schema.getpostman.com/json/collection/v2.1.0/collection.json');
    expect(collection.variable.map((variable) => variable.key)).toEqual(['baseUrl', 'bearerToken', 'apiKey']);
    expect(collection.variable[0]?.value).toBe(context.gateway.url);
    const names = collection.item.flatMap((folder) => folder.item.map((item) => item.name));
    expect([...names].sort()).toEqual(operations.map((operation) => operation.key).sort());

    // A pro user: a run of the whole collection stays inside the per-minute limit.
    const summary = await runNewman(collection, [
      { key: 'baseUrl', value: context.gateway.url },
      { key: 'bearerToken', value: context.pro.token },
    ]);
    expect(summary.run.failures.map((failure) => `${failure.source?.name}: ${failure.error.message}`)).toEqual([]);
    expect(summary.run.stats.requests).toMatchObject({ total: operations.length, failed: 0 });
    expect(summary.run.stats.assertions.failed).toBe(0);
    expect(summary.run.stats.assertions.total).toBeGreaterThanOrEqual(2 * operations.length);

    console.log("DEBUG", JSON.stringify(summary.run.stats), JSON.stringify(summary.run.executions.map((e) => [e.item.name, (e.response as any)?.code])));
    const codes = new Map(summary.run.executions.map((execution) => [execution.item.name, (execution.response as unknown as { code: number }).code]));
    for (const operation of operations) expect(operation.statuses, operation.key).toContain(codes.get(operation.key));
    expect(Object.fromEntries(['GET /api/v1/docs/events', 'GET /api/v1/docs/scopes', 'POST /api/v1/events/trigger', 'GET /api/docs/status', 'GET /api/docs/postman', 'GET /health', 'GET /modules', 'GET /api/v1/webhooks', 'POST /auth/logout'].map((key) => [key, codes.get(key)]))).toEqual({
      'GET /api/v1/docs/events': 200,
      'GET /api/v1/docs/scopes': 200,
      'POST /api/v1/events/trigger': 202,
      'GET /api/docs/status': 200,
      'GET /api/docs/postman': 200,
      'GET /health': 200,
      'GET /modules': 200,
      'GET /api/v1/webhooks': 200,
      // Last in the collection, so every request before it ran signed in.
      'POST /auth/logout': 200,
    });
    expect(names.at(-1)).toBe('POST /auth/logout');

    // The samples send nothing anywhere: the endpoint the run created is not subscribed to the test event's type.
    const { token } = await login(context.gateway.url, 'pro@bridge.test', 'correct horse battery');
    const deliveries = await graphql(context.gateway.url, '{ webhookDeliveries { nodes { id } } }', {}, { token });
    expect(deliveries.data).toEqual({ webhookDeliveries: { nodes: [] } });
  }, 120_000);

  it('serves curl, JavaScript and Python examples naming every operation, each a valid program', async () => {
    const files = { curl: 'examples.sh', javascript: 'examples.mjs', python: 'examples.py' } as const;
    for (const [language, file] of Object.entries(files)) {
      const response = await fetch(`${context.gateway.url}/api/docs/examples/${language}`);
      expect(response.status).toBe(200);
      const text = await response.text();
      for (const operation of operations) expect(text, `${language} example of ${operation.key}`).toContain(`${operation.key}:`);
      expect(text).toContain(context.gateway.url);
      await writeFile(join(folder, file), text);
    }
    const checks = await Promise.all([
      runCommandToExit('sh', ['-n', join(folder, files.curl)]),
      runCommandToExit(process.execPath, ['--check', join(folder, files.javascript)]),
      runCommandToExit('python3', ['-m', 'py_compile', join(folder, files.python)]),
    ]);
    for (const check of checks) expect(check.stderr).toBe('');
    expect(checks.map((check) => check.code)).toEqual([0, 0, 0]);
  }, 60_000);

  it('runs the Python example against the gateway: one answer per operation, none an internal error', async () => {
    const { token } = context.free;
    const run = await runCommandToExit('python3', [join(folder, 'examples.py')], { env: { PATH: process.env['PATH'] ?? '', BASE_URL: context.gateway.url, TOKEN: token }, timeoutMs: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const statuses = run.stdout.trim().split('\n').map((line) => Number(/^\((\d{3}),/.exec(line)?.[1]));
    expect(statuses).toHaveLength(operations.length);
    expect(statuses.filter((status) => !(status >= 200 && status < 500) && status !== 503)).toEqual([]);
  }, 90_000);

  it('reports version, uptime and a health summary at /api/docs/status, as JSON or as a page', async () => {
    const json = await fetch(`${context.gateway.url}/api/docs/status`);
    const body = (await json.json()) as { success: boolean; data: Record<string, any> };
    expect(json.status).toBe(200);
    expect(body.success).toBe(true);
    expect(body.data).toMatchObject({ service: 'federation-gateway', status: 'healthy', database: 'up', redis: 'not_configured', documented_routes: operations.length });
    expect(body.data['version']).toMatch(/^\d+\.\d+\.\d+/);
    expect(body.data['uptime_seconds']).toBeGreaterThanOrEqual(0);
    expect(body.data['subgraphs']['down'] ?? 0).toBe(0);
    expect(Object.values(body.data['modules'] as Record<string, number>).reduce((sum, count) => sum + count, 0)).toBe(30);
    const page = await fetch(`${context.gateway.url}/api/docs/status`, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('Federation gateway: healthy');
  });
});
