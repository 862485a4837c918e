import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger.ts';
import { startGateway, type RunningGateway } from '../../gateway/app/start-gateway.ts';
import { createApiKey, login, registerAndLogin } from '../support/account-flows.ts';
import { ADMIN, testConfig } from '../support/gateway-harness.ts';
import { firstErrorCode, graphql, jsonOf } from '../support/graphql-client.ts';
import { startHealthyUpstream, type TestUpstream } from '../support/upstream-servers.ts';

const PASSWORD = 'usage-suite-password-7f3a';
const STATS = 'requests errors errorRate p50LatencyMs p95LatencyMs';
const REPORT = `total { ${STATS} } byOperation: groups(by: operation) { key stats { requests } } byRoute: groups(by: route) { key stats { requests } } byModule: groups(by: module) { key stats { requests } } byKey: groups(by: apiKey) { key stats { requests } }`;

type Group = { key: string | null; stats: { requests: number } };
type Report = { total: { requests: number; errors: number }; byOperation: Group[]; byRoute: Group[]; byModule: Group[]; byKey: Group[] };
const countOf = (groups: Group[], key: string | null) => groups.find((group) => group.key === key)?.stats.requests ?? 0;

describe('usage recorded at the edge and read through the analytics subgraph', () => {
  let gateway: RunningGateway;
  let upstream: TestUpstream;
  const logLines: string[] = [];
  let alice: { token: string; userId: string };
  let bob: { token: string; userId: string };
  let admin: { token: string; userId: string };
  let aliceKey: { apiKey: string; id: string };
  let bobKey: { apiKey: string; id: string };

  const myUsage = async (token: string, filter: Record<string, unknown> = {}) =>
    graphql<{ myUsage: Report }>(gateway.url, `query($filter: UsageFilter) { myUsage(filter: $filter) { ${REPORT} } }`, { filter }, { token });

  beforeAll(async () => {
    upstream = await startHealthyUpstream();
    const config = testConfig({ LOG_LEVEL: 'debug', USAGE_FLUSH_INTERVAL_MS: '50', MODULE_UPSTREAMS: `code-sandbox=${upstream.url}` });
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    gateway = await startGateway(config, createLogger(config.logLevel, sink));
    alice = await registerAndLogin(gateway.url, 'alice@usage.test', PASSWORD);
    bob = await registerAndLogin(gateway.url, 'bob@usage.test', PASSWORD);
    admin = await login(gateway.url, ADMIN.email, ADMIN.password);
    aliceKey = await createApiKey(gateway.url, alice.token, { name: 'alice key' });
    bobKey = await createApiKey(gateway.url, bob.token, { name: 'bob key' });

    // Alice: one GraphQL call, one REST call, two module calls with her key (header and ?api_key=), one refused login.
    expect((await graphql(gateway.url, 'query AliceKeys { apiKeys { id } }', {}, { token: alice.token })).errors).toBeUndefined();
    expect((await fetch(`${gateway.url}/api-keys/list`, { headers: { authorization: `Bearer ${alice.token}` } })).status).toBe(200);
    expect((await fetch(`${gateway.url}/modules/code-sandbox/projects`, { headers: { 'x-api-key': aliceKey.apiKey } })).status).toBe(200);
    expect((await fetch(`${gateway.url}/modules/code-sandbox/projects?api_key=${aliceKey.apiKey}`)).status).toBe(200);
    await fetch(`${gateway.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'alice@usage.test', password: `${PASSWORD}-wrong` }) });
    // Bob: one call.
    await graphql(gateway.url, 'query BobKeys { apiKeys { id } }', {}, { token: bob.token });
    await gateway.usage.flush();
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('records GraphQL calls by operation and REST calls by route and operation, module calls with the key and module', async () => {
    const result = await myUsage(alice.token);
    expect(result.errors).toBeUndefined();
    const report = result.data!.myUsage;
    expect(countOf(report.byOperation, 'AliceKeys')).toBe(1);
    expect(countOf(report.byOperation, 'RestListApiKeys')).toBe(1);
    expect(countOf(report.byRoute, 'GET /api-keys/list')).toBe(1);
    expect(countOf(report.byRoute, 'GET /modules/{module_name}/{path...}')).toBe(2);
    expect(countOf(report.byModule, 'code-sandbox')).toBe(2);
    expect(countOf(report.byKey, aliceKey.id)).toBe(2);
    expect(countOf(report.byOperation, 'BobKeys')).toBe(0);
    // createApiKey, AliceKeys, the REST list and the two module calls; register and login ran anonymous.
    expect(report.total.requests).toBe(5);
  });

  it("refuses a user another user's usage, by filter or by key", async () => {
    expect(firstErrorCode(await myUsage(alice.token, { userId: bob.userId }))).toBe('INSUFFICIENT_PERMISSIONS');
    const bobsKey = await graphql(gateway.url, 'query($id: ID!) { apiKeyUsage(id: $id) { total { requests } } }', { id: bobKey.id }, { token: alice.token });
    expect(firstErrorCode(bobsKey)).toBe('RESOURCE_NOT_FOUND');
    const platform = await graphql(gateway.url, '{ platformUsage { total { requests } } }', {}, { token: alice.token });
    expect(firstErrorCode(platform)).toBe('INSUFFICIENT_PERMISSIONS');
    const rest = await fetch(`${gateway.url}/api/v1/api-keys/${bobKey.id}/usage`, { headers: { authorization: `Bearer ${alice.token}` } });
    expect(rest.status).toBe(404);
  });

  it("lets an admin read anyone's usage, by user and by key", async () => {
    const own = (await myUsage(alice.token)).data!.myUsage;
    const asAdmin = await graphql<{ platformUsage: Report }>(gateway.url, `query($filter: UsageFilter) { platformUsage(filter: $filter) { ${REPORT} } }`, { filter: { userId: alice.userId } }, { token: admin.token });
    expect(asAdmin.errors).toBeUndefined();
    expect(countOf(asAdmin.data!.platformUsage.byOperation, 'AliceKeys')).toBe(1);
    const key = await graphql<{ apiKeyUsage: Report }>(gateway.url, `query($id: ID!) { apiKeyUsage(id: $id) { ${REPORT} } }`, { id: aliceKey.id }, { token: admin.token });
    expect(key.data?.apiKeyUsage.total.requests).toBe(2);
    const everyone = await graphql<{ platformUsage: Report }>(gateway.url, `{ platformUsage { ${REPORT} } }`, {}, { token: admin.token });
    expect(countOf(everyone.data!.platformUsage.byOperation, 'BobKeys')).toBe(1);
    expect(everyone.data!.platformUsage.total.requests).toBeGreaterThan(own.total.requests);
    // Subjects of other issuers are not UUIDs: filtering by one is a filter like any other.
    const external = await graphql<{ platformUsage: Report }>(gateway.url, `query($filter: UsageFilter) { platformUsage(filter: $filter) { total { ${STATS} } } }`, { filter: { userId: 'auth0|5f7c8ec7c33c6c004bbafe82' } }, { token: admin.token });
    expect(external.errors).toBeUndefined();
    expect(external.data?.platformUsage.total.requests).toBe(0);
    const tooLong = await graphql(gateway.url, 'query($filter: UsageFilter) { platformUsage(filter: $filter) { total { requests } } }', { filter: { userId: 'x'.repeat(256) } }, { token: admin.token });
    expect(firstErrorCode(tooLong)).toBe('VALIDATION_ERROR');
  });

  it('contributes Module.usage to the module entity, and answers /analytics/usage and /api/v1/api-keys/{id}/usage', async () => {
    const module = await graphql<{ module: { slug: string; tier: string; usage: { total: { requests: number } } } }>(
      gateway.url,
      '{ module(slug: "code-sandbox") { slug tier usage { total { requests } } } }',
      {},
      { token: alice.token },
    );
    expect(module.errors).toBeUndefined();
    expect(module.data?.module).toMatchObject({ slug: 'code-sandbox', tier: 'free', usage: { total: { requests: 2 } } });

    const legacy = await jsonOf(fetch(`${gateway.url}/analytics/usage`, { headers: { authorization: `Bearer ${alice.token}` } }));
    expect(legacy.success).toBe(true);
    expect(legacy.data.by_module).toContainEqual(expect.objectContaining({ key: 'code-sandbox', stats: expect.objectContaining({ requests: 2 }) }));
    const perKey = await jsonOf(fetch(`${gateway.url}/api/v1/api-keys/${aliceKey.id}/usage`, { headers: { authorization: `Bearer ${alice.token}` } }));
    expect(perKey.data).toMatchObject({ key_id: aliceKey.id, total: { requests: 2, errors: 0 } });
  });

  it('logs one JSON line per request with its request id and principal, and never a password, token or key', async () => {
    const requestId = 'req_log_check_1';
    await fetch(`${gateway.url}/api-keys/list?api_key=${aliceKey.apiKey}`, { headers: { 'x-request-id': requestId } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const lines = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const mine = lines.filter((line) => line['msg'] === 'request' && line['requestId'] === requestId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ principal: `key:${aliceKey.id}`, path: '/api-keys/list', status: 200, operation: 'RestListApiKeys' });
    const text = logLines.join('\n');
    for (const secret of [PASSWORD, alice.token, bob.token, admin.token, aliceKey.apiKey, bobKey.apiKey, ADMIN.password]) {
      expect(text.includes(secret), `a log line holds ${secret.slice(0, 8)}…`).toBe(false);
    }
    expect(text).not.toContain('api_key=');
  });
});
