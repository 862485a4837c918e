import { mkdtemp, readdir, rm } from 'node:fs/promises';

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { startAIVillageUpstream, type AIVillageUpstream } from '../support/aivillage-upstream.ts';
import { registerAndLogin } from '../support/account-flows.ts';
import { startTestGateway } from '../support/gateway-harness.ts';
import { firstErrorCode, graphql, jsonOf } from '../support/graphql-client.ts';
import { startDownUpstream } from '../support/upstream-servers.ts';

/** The stored uploads: files only (finished bulk exports live in a folder of their own inside UPLOAD_DIR). */
const storedFiles = async (dir: string): Promise<string[]> => (await readdir(dir, { withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => entry.name);

const MAX_UPLOAD = 64 * 1024;

function uploadForm(content: Buffer | string, filename = 'notes.txt', type = 'text/plain', field = 'file'): FormData {
  const form = new FormData();
  form.append('purpose', 'rag');
  form.append(field, new Blob([content], { type }), filename);
  return form;
}

describe('/v1 services through their subgraphs: models, chat, p2p, fog, tokens, query, upload', () => {
  let upstream: AIVillageUpstream;
  let gateway: RunningGateway;
  let uploadDir: string;
  let user: { token: string; userId: string };
  let other: { token: string; userId: string };

  beforeAll(async () => {
    upstream = await startAIVillageUpstream();
    uploadDir = await mkdtemp(join(tmpdir(), 'v1-uploads-'));
    gateway = await startTestGateway({
      V1_UPSTREAMS: ['agent-forge', 'p2p-fog', 'knowledge'].map((name) => `${name}=${upstream.url}`).join(','),
      UPLOAD_DIR: uploadDir,
      UPLOAD_MAX_BYTES: String(MAX_UPLOAD),
      MODULE_PROBE_INTERVAL_MS: '200',
    });
    user = await registerAndLogin(gateway.url, 'uma@v1.test');
    other = await registerAndLogin(gateway.url, 'otto@v1.test');
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
    await rm(uploadDir, { recursive: true, force: true });
  });

  it('lists models and chats through agent-forge', async () => {
    const result = await graphql(
      gateway.url,
      `mutation { chat(input: { modelId: "cognate-model-123", message: "Hello", conversationId: "conv-456" }) { modelId conversationId response } }`,
      {},
      { token: user.token },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!['chat']).toEqual({ modelId: 'cognate-model-123', conversationId: 'conv-456', response: 'echo: Hello' });
    const models = await graphql(gateway.url, '{ models { id name phase createdAt } }', {}, { token: user.token });
    expect(models.data!['models']).toEqual([{ id: 'cognate-model-123', name: 'Cognate 25M', phase: 'cognate', createdAt: '2026-11-01T00:00:00Z' }]);
  });

  it('reads p2p status, fog nodes and tokens, and asks the knowledge service', async () => {
    const result = await graphql(gateway.url, '{ p2pStatus fogNodes tokens knowledgeQuery(query: "fog", options: { mode: "hybrid" }) }', {}, { token: user.token });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      p2pStatus: { bitchat: 'connected', betanet: 'connected', peers: 3 },
      fogNodes: { nodes: [{ id: 'fog-1', status: 'online' }] },
      tokens: { balance: 42, symbol: 'FOG' },
      knowledgeQuery: { answer: 'about fog', mode: 'hybrid' },
    });
    const anonymous = await graphql(gateway.url, '{ tokens }');
    expect(firstErrorCode(anonymous)).toBe('AUTHENTICATION_REQUIRED');
    const empty = await graphql(gateway.url, '{ knowledgeQuery(query: "  ") }', {}, { token: user.token });
    expect(firstErrorCode(empty)).toBe('VALIDATION_ERROR');
  });

  it('streams an upload to the store, records it, and gives the upstream a link that serves the same bytes', async () => {
    const content = Buffer.from('Fog computing notes\n'.repeat(500));
    const response = await fetch(`${gateway.url}/v1/upload`, { method: 'POST', headers: { authorization: `Bearer ${user.token}` }, body: uploadForm(content) });
    expect(response.status).toBe(201);
    const body = await jsonOf(response);
    const sha256 = createHash('sha256').update(content).digest('hex');
    expect(body).toMatchObject({ success: true, data: { filename: 'notes.txt', content_type: 'text/plain', size_bytes: content.length, sha256, status: 'forwarded' } });

    const notice = upstream.uploads.at(-1)!;
    expect(notice.body).toMatchObject({ upload_id: body.data.upload_id, sha256, size_bytes: content.length });
    expect(notice.fetched).toEqual({ status: 200, sha256, contentType: 'text/plain' });

    const listed = await graphql(gateway.url, '{ uploads { id status upstreamReference owner { email } } }', {}, { token: user.token });
    expect(listed.data!['uploads']).toEqual([
      { id: body.data.upload_id, status: 'forwarded', upstreamReference: { document_id: 'doc-1', indexed: true }, owner: { email: 'uma@v1.test' } },
    ]);
    const asOther = await graphql(gateway.url, 'query($id: ID!) { upload(id: $id) { id } }', { id: body.data.upload_id }, { token: other.token });
    expect(firstErrorCode(asOther)).toBe('RESOURCE_NOT_FOUND');

    const link = new URL(String(notice.body['url']));
    link.searchParams.set('id', '00000000-0000-0000-0000-000000000000');
    const altered = await fetch(link);
    expect(altered.status).toBe(401);
  });

  it('refuses bad uploads with a named 4xx and keeps no bytes or records', async () => {
    const before = await storedFiles(uploadDir);
    const auth = { authorization: `Bearer ${user.token}` };

    const tooBig = await fetch(`${gateway.url}/v1/upload`, { method: 'POST', headers: auth, body: uploadForm(Buffer.alloc(MAX_UPLOAD + 1, 7)) });
    expect(tooBig.status).toBe(413);
    expect(await jsonOf(tooBig)).toMatchObject({ success: false, error_code: 'PAYLOAD_TOO_LARGE', error: `Request body exceeds the limit of ${MAX_UPLOAD} bytes` });

    const wrongField = await fetch(`${gateway.url}/v1/upload`, { method: 'POST', headers: auth, body: uploadForm('x', 'a.txt', 'text/plain', 'document') });
    expect(wrongField.status).toBe(400);
    expect(await jsonOf(wrongField)).toMatchObject({ error: "Missing file field 'file'" });

    const json = await fetch(`${gateway.url}/v1/upload`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"file":"x"}' });
    expect(json.status).toBe(400);
    expect(await jsonOf(json)).toMatchObject({ error: "Expected multipart/form-data with a 'file' file field" });

    const anonymous = await fetch(`${gateway.url}/v1/upload`, { method: 'POST', body: uploadForm('x') });
    expect(anonymous.status).toBe(401);

    const forgedTicket = await graphql(gateway.url, 'mutation { registerUpload(ticket: "eyJmb28iOjF9.bad") { id } }', {}, { token: user.token });
    expect(firstErrorCode(forgedTicket)).toBe('VALIDATION_ERROR');

    expect(await storedFiles(uploadDir)).toEqual(before);
    const listed = await graphql(gateway.url, '{ uploads(first: 100) { id } }', {}, { token: user.token });
    expect(listed.data!['uploads']).toHaveLength(before.length);
  });

  it('reports the /v1 upstreams in /health/detailed', async () => {
    await expect
      .poll(async () => (await jsonOf(fetch(`${gateway.url}/health/detailed`))).data.v1_services['p2p-fog'].status, { timeout: 5000 })
      .toBe('up');
    const report = await jsonOf(fetch(`${gateway.url}/health/detailed`));
    expect(report.data.v1_services['agent-forge'].requests).toBeGreaterThan(0);
  });
});

describe('/v1 upload when the knowledge upstream is down', () => {
  it('keeps the file and its record, marks it failed and answers 503 naming the service', async () => {
    const uploadDir = await mkdtemp(join(tmpdir(), 'v1-uploads-down-'));
    const down = await startDownUpstream();
    const gateway = await startTestGateway({ V1_UPSTREAMS: `knowledge=${down.url};retries=0`, UPLOAD_DIR: uploadDir });
    try {
      const user = await registerAndLogin(gateway.url, 'dora@v1.test');
      const response = await fetch(`${gateway.url}/v1/upload`, { method: 'POST', headers: { authorization: `Bearer ${user.token}` }, body: uploadForm('kept bytes') });
      expect(response.status).toBe(503);
      const body = await jsonOf(response);
      expect(body).toMatchObject({ success: false, error_code: 'SERVICE_UNAVAILABLE', error: expect.stringContaining('knowledge') });
      const listed = await graphql(gateway.url, '{ uploads { status error sizeBytes } }', {}, { token: user.token });
      expect(listed.data!['uploads']).toEqual([{ status: 'failed', error: expect.any(String), sizeBytes: 10 }]);
      expect(await storedFiles(uploadDir)).toHaveLength(1);
    } finally {
      await gateway.close();
      await rm(uploadDir, { recursive: true, force: true });
    }
  }, 60_000);
});
