import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { documentedAnswers, type OpenApiResponses } from '../support/documented-answers.ts';
import { startTestGateway } from '../support/gateway-harness.ts';
import { freePort } from '../support/processes.ts';
import { killRedis, REDIS_SERVER, startRedis } from '../support/redis-server.ts';
import { startBridgeContext, type BridgeContext } from './bridge-context.ts';

type Answers = ReturnType<typeof documentedAnswers>;

const openApiOf = async (url: string) => (await (await fetch(`${url}/api/openapi.json`)).json()) as OpenApiResponses & { paths: Record<string, Record<string, { responses: Record<string, any> }>> };

/** Calls a route and checks its answer against the served document; gives back status and body. */
async function documented(answers: Answers, method: string, path: string, sent: Promise<Response>): Promise<{ status: number; body: any; contentType: string | null }> {
  const response = await sent;
  const contentType = response.headers.get('content-type');
  const { problem, body } = await answers.problemOf(method, path, response);
  expect(problem, `${method} ${path} answered ${response.status} ${contentType}: ${String(typeof body === 'string' ? body : JSON.stringify(body)).slice(0, 400)}`).toBeNull();
  return { status: response.status, body, contentType };
}

/**
 * The routes the edge answers itself (not bridge routes, whose answers the contract
 * suite checks): each called for real, each answer checked against the schema
 * /api/openapi.json gives it, successes and failures alike.
 */
describe('the edge routes answer what /api/openapi.json says they do', () => {
  let context: BridgeContext;
  let answers: Answers;
  let auth: { authorization: string };

  beforeAll(async () => {
    context = await startBridgeContext();
    answers = documentedAnswers(await openApiOf(context.gateway.url));
    auth = { authorization: `Bearer ${context.pro.token}` };
  }, 60_000);
  afterAll(() => context?.close());

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${context.gateway.url}${path}`, { headers });

  it('health, status and the generated docs', async () => {
    expect((await documented(answers, 'GET', '/health', get('/health'))).status).toBe(200);
    const detailed = await documented(answers, 'GET', '/health/detailed', get('/health/detailed'));
    expect(detailed.status).toBe(200);
    expect(Object.keys(detailed.body.data.modules)).toHaveLength(30);
    expect((await documented(answers, 'GET', '/health/redis', get('/health/redis'))).body.data).toEqual({ status: 'not_configured' });
    expect((await documented(answers, 'GET', '/api/docs/status', get('/api/docs/status'))).body.data.status).toBe('healthy');
    expect((await documented(answers, 'GET', '/api/docs/status', get('/api/docs/status', { accept: 'text/html' }))).contentType).toContain('text/html');
    const collection = await documented(answers, 'GET', '/api/docs/postman', get('/api/docs/postman'));
    expect(collection.body.item.length).toBeGreaterThan(3);
    for (const language of ['curl', 'javascript', 'python']) expect((await documented(answers, 'GET', `/api/docs/examples/${language}`, get(`/api/docs/examples/${language}`))).status).toBe(200);
  });

  it('POST /v1/upload and the training callback, signed and unsigned', async () => {
    const form = new FormData();
    form.append('file', new Blob(['hello, knowledge']), 'notes.txt');
    const upload = await documented(answers, 'POST', '/v1/upload', fetch(`${context.gateway.url}/v1/upload`, { method: 'POST', headers: auth, body: form }));
    expect(upload.status).toBe(201);
    expect(upload.body.data).toMatchObject({ filename: 'notes.txt', size_bytes: 16, status: 'forwarded' });
    expect((await documented(answers, 'POST', '/v1/upload', fetch(`${context.gateway.url}/v1/upload`, { method: 'POST', body: new FormData() }))).status).toBe(401);

    const started = await context.call('POST', '/v1/models/train', { token: context.pro.token, body: { phase_name: 'cognate' } });
    const jobId = ((await started.json()) as { data: { job_id: string } }).data.job_id;
    const report = await documented(answers, 'POST', '/v1/training/callback', context.aivillage.report(jobId, { status: 'running', progress: 0.25, step: 5 }));
    expect(report).toMatchObject({ status: 200, body: { data: { job_id: jobId, status: 'running', progress: 0.25 } } });
    const unsigned = fetch(`${context.gateway.url}/v1/training/callback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ job_id: jobId }) });
    expect((await documented(answers, 'POST', '/v1/training/callback', unsigned)).status).toBe(401);
    const forged = context.aivillage.report(jobId, { status: 'completed', progress: 1 }, { secret: 'not-the-job-secret' });
    expect((await documented(answers, 'POST', '/v1/training/callback', forged)).status).toBe(401);
  });

  it('a bulk import, its report in CSV and JSON, and an export by download and by signed link', async () => {
    const form = new FormData();
    form.append('mutation', 'revokeApiKey');
    form.append('mapping', JSON.stringify({ id: 'id' }));
    form.append('file', new Blob(['id\n00000000-0000-4000-8000-000000000001\nnot-a-uuid\n']), 'keys.csv');
    const imported = await documented(answers, 'POST', '/api/v1/bulk/import', fetch(`${context.gateway.url}/api/v1/bulk/import`, { method: 'POST', headers: auth, body: form }));
    expect(imported.status).toBe(202);
    const importId = imported.body.data.operation_id as string;
    await finished(importId);

    const reportPath = '/api/v1/bulk/operations/{id}/report';
    const json = await documented(answers, 'GET', reportPath, get(`/api/v1/bulk/operations/${importId}/report?format=json`, auth));
    expect(json.body.map((row: { rowNumber: number }) => row.rowNumber)).toEqual([1, 2]);
    const csv = await documented(answers, 'GET', reportPath, get(`/api/v1/bulk/operations/${importId}/report`, auth));
    expect(csv.contentType).toContain('text/csv');
    // The document names the columns; the file's header must be those, in that order.
    const described = (answers.schemaOf('GET', reportPath, 200, 'text/csv') as { description: string }).description;
    expect(described).toContain(`(${String(csv.body).split('\n')[0]?.split(',').join(', ')})`);
    expect((await documented(answers, 'GET', reportPath, get(`/api/v1/bulk/operations/${importId}/report?format=xml`, auth))).status).toBe(400);
    expect((await documented(answers, 'GET', reportPath, get('/api/v1/bulk/operations/00000000-0000-4000-8000-000000000000/report', auth))).status).toBe(404);

    const started = await context.call('POST', '/api/v1/bulk/export', { token: context.pro.token, body: { query: '{ me { id email } }', format: 'jsonl' } });
    const exportId = ((await started.json()) as { data: { operation_id: string } }).data.operation_id;
    const link = (await finished(exportId)).report_url as string;
    const download = await documented(answers, 'GET', '/api/v1/bulk/operations/{id}/download', get(`/api/v1/bulk/operations/${exportId}/download`, auth));
    expect(download.contentType).toBe('application/jsonl');
    expect(JSON.parse(String(download.body).trim())).toMatchObject({ email: 'pro@bridge.test' });
    const byLink = await documented(answers, 'GET', '/api/v1/bulk/exports/content', fetch(link));
    expect(byLink.body).toBe(download.body);
    const altered = link.replace(/signature=[^&]+/, 'signature=forged');
    expect((await documented(answers, 'GET', '/api/v1/bulk/exports/content', fetch(altered))).status).toBe(401);
  }, 60_000);

  async function finished(id: string): Promise<Record<string, unknown>> {
    for (let tries = 0; tries < 300; tries += 1) {
      const operation = ((await (await get(`/api/v1/bulk/operations/${id}`, auth)).json()) as { data: Record<string, unknown> }).data;
      if (['completed', 'failed'].includes(String(operation['status']))) return operation;
      await sleep(100);
    }
    throw new Error(`bulk operation ${id} did not finish`);
  }
});

describe.runIf(existsSync(REDIS_SERVER))('the health routes while Redis is down answer the degraded report /api/openapi.json documents', () => {
  let redis: ChildProcess;
  let gateway: RunningGateway;

  beforeAll(async () => {
    redis = await startRedis(await freePort());
    const port = Number(redis.spawnargs[redis.spawnargs.indexOf('--port') + 1]);
    gateway = await startTestGateway({ REDIS_URL: `redis://127.0.0.1:${port}` });
  }, 60_000);
  afterAll(async () => {
    await gateway?.close();
    if (redis) await killRedis(redis);
  });

  it('answers 503 with the report itself, success false, for /health/redis and /health/detailed', async () => {
    const answers = documentedAnswers(await openApiOf(gateway.url));
    await killRedis(redis);
    const degradedRedis = await documented(answers, 'GET', '/health/redis', fetch(`${gateway.url}/health/redis`));
    expect(degradedRedis).toMatchObject({ status: 503, body: { success: false, data: { status: 'down' } } });
    const degraded = await documented(answers, 'GET', '/health/detailed', fetch(`${gateway.url}/health/detailed`));
    expect(degraded).toMatchObject({ status: 503, body: { success: false, data: { status: 'degraded', checks: { redis: { status: 'down' } } } } });
  }, 30_000);
});
