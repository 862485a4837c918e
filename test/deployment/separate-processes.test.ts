import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { startTestGateway, TEST_INTERNAL_SECRET, TEST_JWT_SECRET } from '../support/gateway-harness.ts';
import { registerAndLogin } from '../support/account-flows.ts';
import { firstErrorCode, graphql, jsonOf } from '../support/graphql-client.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';
import { freePort, startTsProcess, SUBGRAPH_ENTRY, type StartedProcess } from '../support/processes.ts';
import { walkingFlow } from '../support/walking-flow.ts';
import { startHealthyUpstream, type TestUpstream } from '../support/upstream-servers.ts';
import { startAIVillageUpstream, type AIVillageUpstream } from '../support/aivillage-upstream.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';
import { Webhook } from 'standardwebhooks';

const redisUrl = process.env['REDIS_URL'];

// Separate processes share state through Postgres and events through Redis; PGlite is single-process.
describe.runIf(postgresAvailable && redisUrl)('walking gateway, subgraphs as separate processes', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const subgraphs: StartedProcess[] = [];
  let gateway: RunningGateway;
  const urls: Record<string, string> = {};
  let upstream: TestUpstream;
  let aivillage: AIVillageUpstream;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    database = await createTestDatabase();
    upstream = await startHealthyUpstream();
    aivillage = await startAIVillageUpstream();
    const gatewayPort = await freePort();
    receiver = await startWebhookReceiver();
    const webhooks = { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'loopback', WEBHOOK_POLL_INTERVAL_MS: '50' };
    const env = {
      ...webhooks,
      MODULE_UPSTREAMS: `code-sandbox=${upstream.url}`,
      V1_UPSTREAMS: `agent-forge=${aivillage.url}`,
      // agent-forge runs alone, so it must be told where upstreams reach the gateway.
      PUBLIC_URL: `http://127.0.0.1:${gatewayPort}`,
      TRAINING_CALLBACK_SECRET: 'test-training-callback-secret-0123456789ab',
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl ?? '',
      JWT_SECRET: TEST_JWT_SECRET,
      INTERNAL_TOKEN_SECRET: TEST_INTERNAL_SECRET,
      LOG_LEVEL: 'warn',
    };
    for (const name of ['auth', 'keys', 'code-sandbox', 'agent-forge', 'webhooks']) {
      const port = await freePort();
      subgraphs.push(await startTsProcess(SUBGRAPH_ENTRY, [name, '--port', String(port)], env, /ready at/));
      urls[name] = `http://127.0.0.1:${port}/graphql`;
    }
    gateway = await startTestGateway({
      ...webhooks,
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl ?? '',
      PORT: String(gatewayPort),
      TRAINING_CALLBACK_SECRET: env.TRAINING_CALLBACK_SECRET,
      SUBGRAPH_URLS: Object.entries(urls).map(([name, url]) => `${name}=${url}`).join(','),
    });
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    await Promise.all(subgraphs.map((subgraph) => subgraph.stop()));
    await database?.drop();
    await upstream?.close();
    await aivillage?.close();
    await receiver?.close();
  });

  it('completes a training job dispatched by agent-forge running alone, through the gateway callback', async () => {
    const { token } = await registerAndLogin(gateway.url, 'trainer-remote@example.test');
    const started = await graphql(gateway.url, 'mutation { startTraining(input: { phaseName: "cognate" }) { id status } }', {}, { token });
    expect(started.errors).toBeUndefined();
    const jobId = started.data?.startTraining.id as string;
    expect(aivillage.dispatches.at(-1)?.callback.url).toBe(`${gateway.url}/v1/training/callback`);
    const reported = await aivillage.report(jobId, { status: 'completed', progress: 1, model_id: 'm-1' });
    expect(reported.status).toBe(200);
    const job = await graphql(gateway.url, 'query($id: ID!) { trainingJob(id: $id) { status modelId owner { email } } }', { id: jobId }, { token });
    expect(job.data?.trainingJob).toEqual({ status: 'completed', modelId: 'm-1', owner: { email: 'trainer-remote@example.test' } });
  });

  it("delivers a webhook saved through the webhooks subgraph running alone, from the gateway's worker", async () => {
    const { token } = await registerAndLogin(gateway.url, 'hooks-remote@example.test');
    const created = await graphql(
      gateway.url,
      'mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret endpoint { id } } }',
      { input: { url: receiver.url, eventTypes: ['api_key.created'] } },
      { token },
    );
    expect(created.errors).toBeUndefined();
    const { secret } = created.data!.createWebhookEndpoint;
    const key = await graphql(gateway.url, 'mutation { createApiKey(input: { name: "remote" }) { key { id } } }', {}, { token });
    expect(key.errors).toBeUndefined();
    const [request] = await receiver.waitFor(1);
    const verified = new Webhook(secret).verify(request!.body, {
      'webhook-id': String(request!.headers['webhook-id']),
      'webhook-timestamp': String(request!.headers['webhook-timestamp']),
      'webhook-signature': String(request!.headers['webhook-signature']),
    });
    expect(verified).toMatchObject({ type: 'api_key.created', data: { keyId: key.data!.createApiKey.key.id } });
  });

  it('reaches a module subgraph running alone, tier-gated there', async () => {
    const { token } = await registerAndLogin(gateway.url, 'module-remote@example.test');
    const executed = await graphql(gateway.url, 'mutation { codeSandbox { execute(code: "1", language: "js") } }', {}, { token });
    expect(executed.errors).toBeUndefined();
    expect(executed.data?.codeSandbox.execute).toMatchObject({ method: 'POST', path: '/execute', body: { code: '1', language: 'js' } });
    const anonymous = await graphql(gateway.url, 'mutation { codeSandbox { execute(code: "1", language: "js") } }');
    expect(firstErrorCode(anonymous)).toBe('AUTHENTICATION_REQUIRED');
  });

  it('runs the same flow with every subgraph over HTTP', async () => {
    await walkingFlow(gateway.url, 'walker-remote@example.test');
  });

  it('reports the remote subgraphs as up', async () => {
    const body = await jsonOf(fetch(`${gateway.url}/health/detailed`));
    expect(body.data.checks.subgraphs.auth).toMatchObject({ status: 'up', location: urls['auth'] });
    expect(body.data.checks.redis.status).toBe('up');
  });

  it('refuses a direct subgraph call without the internal token', async () => {
    const response = await fetch(urls['keys']!, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ apiKeys { id } }' }),
    });
    expect(response.status).toBe(401);
    const body = await jsonOf(response);
    expect(body.errors[0].extensions.code).toBe('AUTHENTICATION_REQUIRED');
  });

  it('refuses a direct subgraph call with a forged internal token', async () => {
    const forged = 'eyJhbGciOiJIUzI1NiJ9.eyJwcmluY2lwYWwiOm51bGwsInJpZCI6IngifQ.c2lnbmF0dXJl';
    const result = await graphql(urls['auth']!.replace(/\/graphql$/, ''), '{ _service { sdl } }', {}, { headers: { 'x-internal-token': forged } });
    expect(result.status).toBe(401);
    expect(firstErrorCode(result)).toBe('AUTHENTICATION_REQUIRED');
  });
});
