import { jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { MODULE_CATALOG, moduleFieldName } from '../../schema/modules.ts';
import { tierAtLeast } from '../../schema/tiers.ts';
import { login, userOfTier } from '../support/account-flows.ts';
import { ADMIN, startTestGateway } from '../support/gateway-harness.ts';
import { firstErrorCode, graphql, jsonOf } from '../support/graphql-client.ts';
import { startDownUpstream, startHealthyUpstream, type TestUpstream } from '../support/upstream-servers.ts';

const TIERS = ['free', 'pro', 'enterprise', 'admin'] as const;
const SIGNING_SECRET = 'upstream-signing-secret-0123456789abcdef';

describe('the 30 module subgraphs against real upstreams', () => {
  let upstream: TestUpstream;
  let trainer: TestUpstream;
  let gateway: RunningGateway;
  const tokens = {} as Record<(typeof TIERS)[number], string>;

  beforeAll(async () => {
    upstream = await startHealthyUpstream();
    // One module gets an upstream of its own whose reserved paths (/status/<code>) sit under its base path.
    trainer = await startHealthyUpstream({ basePath: '/personal-trainer' });
    gateway = await startTestGateway({
      MODULE_UPSTREAMS: MODULE_CATALOG.map((entry) =>
        entry.slug === 'personal-trainer' ? `${entry.slug}=${trainer.url}` : `${entry.slug}=${upstream.url}/${entry.slug}`,
      ).join(','),
      UPSTREAM_SIGNING_SECRET: SIGNING_SECRET,
    });
    for (const tier of TIERS) {
      tokens[tier] =
        tier === 'admin' ? (await login(gateway.url, ADMIN.email, ADMIN.password)).token : (await userOfTier(gateway.url, `${tier}@modules.test`, tier, ADMIN)).token;
    }
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
    await trainer?.close();
  });

  it('reaches every module for every tier allowed, and refuses the others with the exact message', async () => {
    for (const entry of MODULE_CATALOG) {
      for (const tier of TIERS) {
        const field = moduleFieldName(entry.slug);
        const result = await graphql(gateway.url, `{ ${field} { request(path: "/ping", query: { n: 1 }) { status body } } }`, {}, { token: tokens[tier] });
        if (tierAtLeast(tier, entry.tier)) {
          expect(result.errors, `${entry.slug} as ${tier}`).toBeUndefined();
          expect(result.data?.[field].request.status).toBe(200);
          expect(result.data?.[field].request.body).toMatchObject({ method: 'GET', path: `/${entry.slug}/ping`, query: { n: '1' } });
        } else {
          expect(result.status, `${entry.slug} as ${tier}`).toBe(403);
          expect(firstErrorCode(result)).toBe('INSUFFICIENT_PERMISSIONS');
          expect(result.errors?.[0]?.message).toBe(`Module '${entry.slug}' requires '${entry.tier}' tier. Your tier: '${tier}'`);
        }
      }
    }
  });

  it('gives the exact 403 text for drone-system to a free user', async () => {
    const result = await graphql(gateway.url, '{ droneSystem { request(path: "/status") { status } } }', {}, { token: tokens.free });
    expect(result.errors?.[0]?.message).toBe("Module 'drone-system' requires 'enterprise' tier. Your tier: 'free'");
  });

  it('answers an unknown module with the exact 404 text', async () => {
    const result = await graphql(gateway.url, '{ module(slug: "no-such-module") { slug } }', {}, { token: tokens.free });
    expect(result.status).toBe(404);
    expect(firstErrorCode(result)).toBe('RESOURCE_NOT_FOUND');
    expect(result.errors?.[0]?.message).toBe("Module 'no-such-module' not found");
  });

  it('proxies writes with method, body and query, and signs the principal for the upstream', async () => {
    const result = await graphql(
      gateway.url,
      'mutation { shoppingCart { request(method: PATCH, path: "/carts/7", query: { dry: true }, body: { items: [1, 2] }) { status body } } }',
      {},
      { token: tokens.pro, headers: { 'x-request-id': 'req_module_call' } },
    );
    expect(result.errors).toBeUndefined();
    const echo = result.data?.shoppingCart.request.body;
    expect(echo).toMatchObject({ method: 'PATCH', path: '/shopping-cart/carts/7', query: { dry: 'true' }, body: { items: [1, 2] } });
    expect(echo.headers['x-request-id']).toBe('req_module_call');
    expect(echo.headers.authorization).toBeUndefined();
    const { payload } = await jwtVerify(echo.headers['x-gateway-principal'], new TextEncoder().encode(SIGNING_SECRET), { audience: 'shopping-cart' });
    expect(payload).toMatchObject({ tier: 'pro', kind: 'user' });
  });

  it('offers the typed surfaces the seed documents', async () => {
    const executed = await graphql(gateway.url, 'mutation { codeSandbox { execute(code: "print(1)", language: "python") } }', {}, { token: tokens.free });
    expect(executed.data?.codeSandbox.execute).toMatchObject({ method: 'POST', path: '/code-sandbox/execute', body: { code: 'print(1)', language: 'python' } });
    const plan = await graphql(gateway.url, '{ personalTrainer { workoutPlan(goal: "strength", days: 3) } }', {}, { token: tokens.free });
    expect(plan.data?.personalTrainer.workoutPlan).toMatchObject({ method: 'GET', path: '/personal-trainer/workout-plan', query: { goal: 'strength', days: '3' } });
    const asked = await graphql(gateway.url, 'mutation { dataAnalytics { query(query: "sales by region") } }', {}, { token: tokens.pro });
    expect(asked.data?.dataAnalytics.query).toMatchObject({ path: '/data-analytics/query', body: { query: 'sales by region' } });
  });

  it('passes an upstream failure status through the generic surface', async () => {
    const generic = await graphql(gateway.url, '{ personalTrainer { request(path: "/status/404") { status body } } }', {}, { token: tokens.free });
    expect(generic.errors).toBeUndefined();
    expect(generic.data?.personalTrainer.request).toMatchObject({ status: 404, body: { error: 'status 404' } });
  });

  it('refuses paths that would leave the upstream', async () => {
    const result = await graphql(gateway.url, '{ codeSandbox { request(path: "/../../admin") { status } } }', {}, { token: tokens.free });
    expect(firstErrorCode(result)).toBe('VALIDATION_ERROR');
    expect(upstream.hits()).toBeGreaterThan(0);
  });

  it('lists the catalog with statuses and the caller’s access, and reports usage in /health/detailed', async () => {
    const listed = await graphql(gateway.url, '{ modules { slug name category tier endpoint status accessible } }', {}, { token: tokens.free });
    expect(listed.data?.modules).toHaveLength(30);
    expect(listed.data?.modules.find((m: { slug: string }) => m.slug === 'drone-system')).toMatchObject({
      name: 'Drone System',
      category: 'Advanced',
      tier: 'enterprise',
      endpoint: '/modules/drone-system',
      accessible: false,
    });
    const health = await jsonOf(fetch(`${gateway.url}/health/detailed`));
    expect(health.data.modules['code-sandbox'].requests).toBeGreaterThan(0);
    expect(health.data.modules['code-sandbox'].status).toBe('up');
  });
});

describe('module statuses from health probes', () => {
  let healthy: TestUpstream;
  let down: TestUpstream;
  let gateway: RunningGateway;
  let token: string;

  beforeAll(async () => {
    healthy = await startHealthyUpstream();
    down = await startDownUpstream();
    gateway = await startTestGateway({
      MODULE_UPSTREAMS: `fundraising=${healthy.url},social-media=${down.url};retries=0`,
      MODULE_PROBE_INTERVAL_MS: '200',
    });
    token = (await userOfTier(gateway.url, 'status@modules.test', 'free', ADMIN)).token;
  });
  afterAll(async () => {
    await gateway?.close();
    await healthy?.close();
    await down?.close();
  });

  it('reports up, down and unconfigured, and follows an upstream that goes away', async () => {
    const statuses = async () => {
      const result = await graphql(gateway.url, '{ modules { slug status } }', {}, { token });
      return Object.fromEntries(result.data?.modules.map((m: { slug: string; status: string }) => [m.slug, m.status]));
    };
    const deadline = Date.now() + 5_000;
    let seen = await statuses();
    while (seen['fundraising'] !== 'up' && Date.now() < deadline) seen = await statuses();
    expect(seen).toMatchObject({ fundraising: 'up', 'social-media': 'down', marketing: 'unconfigured' });

    const unreachable = await graphql(gateway.url, '{ socialMedia { request(path: "/x") { status } } }', {}, { token });
    expect(unreachable.status).toBe(503);
    expect(firstErrorCode(unreachable)).toBe('SERVICE_UNAVAILABLE');
    const unconfigured = await graphql(gateway.url, '{ corruptionMapping { request(path: "/x") { status } } }', {}, { token });
    expect(firstErrorCode(unconfigured)).toBe('SERVICE_UNAVAILABLE');
    expect(unconfigured.errors?.[0]?.message).toBe("Module 'corruption-mapping' has no upstream configured");

    await healthy.close();
    const until = Date.now() + 5_000;
    while ((await statuses())['fundraising'] !== 'down' && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect((await statuses())['fundraising']).toBe('down');
  });
});
