import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { loadConfig } from '../../gateway/app/config/load-config.ts';
import { ADMIN, startTestGateway, testConfig } from '../support/gateway-harness.ts';
import { ROOT } from '../support/processes.ts';
import { frontendCodegenConfig } from './codegen/codegen-config.ts';

const OPERATIONS = fileURLToPath(new URL('./codegen/operations.graphql', import.meta.url));

async function post(baseUrl: string, body: unknown, token?: string) {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { data?: Record<string, any> | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
  return { status: response.status, ...json };
}

async function signUpOverRest(baseUrl: string, email: string): Promise<string> {
  const json = (path: string, body: unknown, token?: string) =>
    fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  expect((await json('/auth/register', { email, password: 'correct horse battery' })).status).toBe(201);
  const signedIn = (await (await json('/auth/login', { email, password: 'correct horse battery' })).json()) as { data: { access_token: string } };
  expect((await json('/api-keys/create', { name: 'trusted-key' }, signedIn.data.access_token)).status).toBeLessThan(300);
  return signedIn.data.access_token;
}

describe('trusted documents from GraphQL Code Generator', () => {
  let outputDir: string;
  let manifestPath: string;
  let manifest: Record<string, string>;
  let gateway: RunningGateway;
  let userToken: string;
  const hashOf = (operationName: string) => Object.entries(manifest).find(([, document]) => document.includes(operationName))![0];

  beforeAll(async () => {
    outputDir = await mkdtemp(join(tmpdir(), 'trusted-documents-'));
    await generate(frontendCodegenConfig({ schema: join(ROOT, 'schema/supergraph.graphql'), documents: OPERATIONS, outputDir }), true);
    manifestPath = join(outputDir, 'persisted-documents.json');
    manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Record<string, string>;
    gateway = await startTestGateway({ TRUSTED_DOCUMENTS: manifestPath, TRUSTED_DOCUMENTS_REQUIRED: 'free' });
    // The REST bridge's operations are the gateway's own, so they pass while ad-hoc GraphQL does not.
    userToken = await signUpOverRest(gateway.url, 'trusted@example.test');
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    await rm(outputDir, { recursive: true, force: true });
  });

  it('codegen wrote a manifest of both sample operations, keyed by hash', () => {
    expect(Object.keys(manifest)).toHaveLength(2);
    for (const hash of Object.keys(manifest)) expect(hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('runs a registered operation by its hash, sent as documentId or as an APQ hash', async () => {
    const byId = await post(gateway.url, { documentId: hashOf('OwnKeys') }, userToken);
    expect(byId.errors).toBeUndefined();
    expect(byId.data?.['me']).toEqual({ email: 'trusted@example.test', apiKeys: [{ name: 'trusted-key', tier: 'free' }] });

    const apq = await post(gateway.url, { extensions: { persistedQuery: { version: 1, sha256Hash: hashOf('OwnKeys').replace('sha256:', '') } } }, userToken);
    expect(apq.data?.['me']?.email).toBe('trusted@example.test');

    const signIn = await post(gateway.url, { documentId: hashOf('SignIn'), variables: { input: { email: 'trusted@example.test', password: 'correct horse battery' } } });
    expect(signIn.data?.['login']?.user?.email).toBe('trusted@example.test');
  });

  it('refuses an unlisted operation from a tier that must use trusted documents, anonymous callers included', async () => {
    for (const token of [userToken, undefined]) {
      const refused = await post(gateway.url, { query: '{ me { email } }' }, token);
      expect(refused.status).toBe(403);
      expect(refused.data).toBeUndefined();
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'INSUFFICIENT_PERMISSIONS', reason: 'TRUSTED_DOCUMENT_REQUIRED' });
    }
    // The registered text itself is accepted in full.
    const fullText = await post(gateway.url, { query: manifest[hashOf('OwnKeys')] }, userToken);
    expect(fullText.data?.['me']?.email).toBe('trusted@example.test');
  });

  it('answers an unknown hash with RESOURCE_NOT_FOUND, and lets a tier not named send any operation', async () => {
    const unknown = await post(gateway.url, { documentId: `sha256:${'0'.repeat(64)}` }, userToken);
    expect(unknown.status).toBe(404);
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'RESOURCE_NOT_FOUND', reason: 'TRUSTED_DOCUMENT_NOT_FOUND' });

    const admin = await post(gateway.url, { documentId: hashOf('SignIn'), variables: { input: ADMIN } });
    const adhoc = await post(gateway.url, { query: '{ me { email tier } }' }, admin.data?.['login']?.accessToken);
    expect(adhoc.data?.['me']).toEqual({ email: ADMIN.email, tier: 'admin' });
  });

  it('TRUSTED_DOCUMENTS_REQUIRED: all-but-admin, tier lists, and a requirement without a manifest refused', () => {
    expect(testConfig({ TRUSTED_DOCUMENTS: manifestPath, TRUSTED_DOCUMENTS_REQUIRED: 'all-but-admin' }).trustedDocuments?.required).toEqual({ kind: 'all-but-admin' });
    expect(testConfig({ TRUSTED_DOCUMENTS: manifestPath, TRUSTED_DOCUMENTS_REQUIRED: 'free,pro' }).trustedDocuments?.required).toEqual({ kind: 'tiers', tiers: ['free', 'pro'] });
    expect(testConfig({ TRUSTED_DOCUMENTS: manifestPath }).trustedDocuments?.documents.size).toBe(2);
    expect(() => testConfig({ TRUSTED_DOCUMENTS_REQUIRED: 'all-but-admin' })).toThrow(/TRUSTED_DOCUMENTS_REQUIRED/);
    expect(() => testConfig({ TRUSTED_DOCUMENTS: manifestPath, TRUSTED_DOCUMENTS_REQUIRED: 'gold' })).toThrow(/TRUSTED_DOCUMENTS_REQUIRED/);
    expect(() => loadConfig({ NODE_ENV: 'test', TRUSTED_DOCUMENTS: join(outputDir, 'missing.json') })).toThrow(/TRUSTED_DOCUMENTS/);
  });
});
