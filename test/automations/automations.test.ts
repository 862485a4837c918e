import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { createApiKey, login, registerAndLogin } from '../support/account-flows.ts';
import { ADMIN, startTestGateway } from '../support/gateway-harness.ts';
import { graphql } from '../support/graphql-client.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.ts';
import { eventually, startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../support/webhook-receiver.ts';
import { createEndpoint } from '../webhooks/webhook-flows.ts';
import { automation, createdAutomation, finishedRuns, runsOf } from './automation-flows.ts';

const FAST_AUTOMATIONS = {
  WEBHOOK_ALLOW_PRIVATE_TARGETS: 'loopback',
  WEBHOOK_POLL_INTERVAL_MS: '20',
  AUTOMATION_POLL_INTERVAL_MS: '20',
  AUTOMATION_RETRY_SCHEDULE: '0,30ms,60ms',
  AUTOMATION_DISABLE_AFTER: '2',
  WEBHOOK_TIMEOUT_MS: '1000',
};

// Postgres runs when DATABASE_URL is set (the global setup says so when it is not).
const BACKENDS: readonly [string, boolean][] = [['embedded PGlite', false], ...(postgresAvailable ? [['Postgres', true] as [string, boolean]] : [])];

const headersOf = (request: ReceivedWebhook) => ({
  'webhook-id': String(request.headers['webhook-id']),
  'webhook-timestamp': String(request.headers['webhook-timestamp']),
  'webhook-signature': String(request.headers['webhook-signature']),
});

describe.each(BACKENDS)('automations on %s (real receivers)', (_backend, onPostgres) => {
  let database: TestDatabase | undefined;
  let gateway: RunningGateway;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    database = onPostgres ? await createTestDatabase() : undefined;
    gateway = await startTestGateway({ ...FAST_AUTOMATIONS, ...(database ? { DATABASE_URL: database.url } : {}) });
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await gateway?.close();
    await receiver?.close();
    await database?.drop();
  });

  const at = (path: string) => receiver.url.replace('/hooks', path);
  const onPath = (path: string) => (request: ReceivedWebhook) => request.path === path;

  it('an API key created triggers a webhook action: signed with the endpoint secret, recorded with input, outcome and timing', async () => {
    const owner = await registerAndLogin(gateway.url, `hook-owner-${onPostgres}@example.test`);
    // The endpoint listens to nothing itself: only the automation calls it.
    const endpoint = await createEndpoint(gateway.url, { token: owner.token }, { url: at('/automated'), eventTypes: ['webhook.test'] });
    const id = await createdAutomation(gateway.url, { token: owner.token }, {
      name: 'tell the receiver',
      trigger: { eventType: 'api_key.created', condition: { name: 'ci key' } },
      action: { webhookEndpointId: endpoint.id },
    });
    await createApiKey(gateway.url, owner.token, { name: 'other key' });
    const key = await createApiKey(gateway.url, owner.token, { name: 'ci key' });

    const [request] = await receiver.waitFor(1, onPath('/automated'));
    const verified = new Webhook(endpoint.secret).verify(request!.body, headersOf(request!)) as { type: string; data: Record<string, unknown> };
    expect(verified).toMatchObject({ type: 'api_key.created', data: { keyId: key.id, name: 'ci key', tier: 'free' } });

    const [run] = await finishedRuns(gateway.url, { token: owner.token }, id, 1);
    expect(request!.headers['webhook-id']).toBe(`auto_${run!.id}`);
    expect(run).toMatchObject({ status: 'succeeded', eventType: 'api_key.created', input: { keyId: key.id, name: 'ci key' }, causedBy: [], attemptCount: 1, lastError: null });
    expect(run!.output).toMatchObject({ endpointId: endpoint.id, responseStatus: 200 });
    expect(run!.completedAt).not.toBeNull();
    expect(run!.attempts).toEqual([expect.objectContaining({ attemptNumber: 1, succeeded: true, error: null })]);
    // The condition held back the other key: one run only, one request only.
    expect(await runsOf(gateway.url, { token: owner.token }, id)).toHaveLength(1);
    expect(receiver.received.filter(onPath('/automated'))).toHaveLength(1);
  });

  it("an API key created triggers a mutation run as the owner, with the owner's current tier, its variables filled from the payload: the effect is visible", async () => {
    const owner = await registerAndLogin(gateway.url, `mutation-owner-${onPostgres}@example.test`);
    const id = await createdAutomation(gateway.url, { token: owner.token }, {
      name: 'cap new keys',
      trigger: { eventType: 'api_key.created' },
      action: {
        mutation: 'mutation Cap($keyId: ID!, $perMinute: Int) { updateApiKeyLimits(id: $keyId, limitPerMinute: $perMinute) { id limitPerMinute } }',
        variables: { perMinute: 7 },
      },
    });
    // Own key limits are a pro feature: as a free owner the action is refused for good, not retried.
    await createApiKey(gateway.url, owner.token, { name: 'refused' });
    const [refused] = await finishedRuns(gateway.url, { token: owner.token }, id, 1);
    expect(refused).toMatchObject({ status: 'failed', attemptCount: 1, lastError: expect.stringContaining('INSUFFICIENT_PERMISSIONS') });

    const admin = await login(gateway.url, ADMIN.email, ADMIN.password);
    const promoted = await graphql(gateway.url, 'mutation($id: ID!, $tier: Tier!) { setUserTier(userId: $id, tier: $tier) { tier } }', { id: owner.userId, tier: 'pro' }, { token: admin.token });
    expect(promoted.errors).toBeUndefined();
    // The owner signs in again at the new tier; the automation, unchanged, reads the tier at each run.
    const promotedOwner = await login(gateway.url, `mutation-owner-${onPostgres}@example.test`, 'correct horse battery');
    const key = await createApiKey(gateway.url, promotedOwner.token, { name: 'to be capped' });
    const runs = await finishedRuns(gateway.url, { token: promotedOwner.token }, id, 2);
    expect(runs[0]).toMatchObject({ status: 'succeeded', input: { keyId: key.id }, output: { updateApiKeyLimits: { id: key.id, limitPerMinute: 7 } } });
    const read = await graphql(gateway.url, 'query($id: ID!) { apiKey(id: $id) { limitPerMinute } }', { id: key.id }, { token: promotedOwner.token });
    expect(read.data).toEqual({ apiKey: { limitPerMinute: 7 } });
  });

  it('a failing action is retried on the schedule, then the automation is disabled and its owner told by an event', async () => {
    const owner = await registerAndLogin(gateway.url, `failing-owner-${onPostgres}@example.test`);
    receiver.respondWith((request) => (request.path === '/down' ? { status: 503 } : { status: 200 }));
    const down = await createEndpoint(gateway.url, { token: owner.token }, { url: at('/down'), eventTypes: ['webhook.test'] });
    await createEndpoint(gateway.url, { token: owner.token }, { url: at('/notices'), eventTypes: ['automation.disabled'] });
    const id = await createdAutomation(gateway.url, { token: owner.token }, {
      name: 'doomed',
      trigger: { eventType: 'api_key.created' },
      action: { webhookEndpointId: down.id },
    });
    await createApiKey(gateway.url, owner.token, { name: 'first' });
    const [first] = await finishedRuns(gateway.url, { token: owner.token }, id, 1);
    // Three attempts (the schedule's length), each recorded, then failed for good.
    expect(first).toMatchObject({ status: 'failed', attemptCount: 3, lastError: 'HTTP 503' });
    expect(first!.attempts.map((attempt) => [attempt.attemptNumber, attempt.succeeded])).toEqual([[1, false], [2, false], [3, false]]);
    expect(receiver.received.filter(onPath('/down'))).toHaveLength(3);
    expect((await automation(gateway.url, { token: owner.token }, id))!['enabled']).toBe(true);

    // The second run failing in a row reaches AUTOMATION_DISABLE_AFTER=2.
    await createApiKey(gateway.url, owner.token, { name: 'second' });
    await finishedRuns(gateway.url, { token: owner.token }, id, 2);
    const disabled = await eventually(async () => {
      const record = await automation(gateway.url, { token: owner.token }, id);
      return record && record['enabled'] === false ? record : undefined;
    });
    expect(disabled).toMatchObject({ consecutiveFailures: 2, disabledReason: expect.stringContaining('2 runs in a row failed') });
    const [notice] = await receiver.waitFor(1, onPath('/notices'));
    expect(JSON.parse(notice!.body)).toMatchObject({ type: 'automation.disabled', data: { automationId: id, name: 'doomed' } });

    // Disabled, it hears nothing more.
    await createApiKey(gateway.url, owner.token, { name: 'third' });
    await createApiKey(gateway.url, owner.token, { name: 'fourth' });
    expect(await runsOf(gateway.url, { token: owner.token }, id)).toHaveLength(2);
    receiver.respondWith(() => ({ status: 200 }));
  });

  it("a receiver's refusal (a 4xx other than 408/425/429) fails the run at once; a 429 is retried", async () => {
    const owner = await registerAndLogin(gateway.url, `refused-owner-${onPostgres}@example.test`);
    receiver.respondWith((request) => {
      if (request.path === '/refuses') return { status: 422 };
      if (request.path === '/busy') return { status: receiver.received.filter(onPath('/busy')).length === 1 ? 429 : 200 };
      return { status: 200 };
    });
    const refuses = await createEndpoint(gateway.url, { token: owner.token }, { url: at('/refuses'), eventTypes: ['webhook.test'] });
    const busy = await createEndpoint(gateway.url, { token: owner.token }, { url: at('/busy'), eventTypes: ['webhook.test'] });
    const refused = await createdAutomation(gateway.url, { token: owner.token }, { name: 'refused', trigger: { eventType: 'api_key.revoked' }, action: { webhookEndpointId: refuses.id } });
    const retried = await createdAutomation(gateway.url, { token: owner.token }, { name: 'retried', trigger: { eventType: 'api_key.revoked' }, action: { webhookEndpointId: busy.id } });
    const key = await createApiKey(gateway.url, owner.token, { name: 'to revoke' });
    const revoked = await graphql(gateway.url, 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: key.id }, { token: owner.token });
    expect(revoked.errors).toBeUndefined();

    const [refusedRun] = await finishedRuns(gateway.url, { token: owner.token }, refused, 1);
    expect(refusedRun).toMatchObject({ status: 'failed', attemptCount: 1, lastError: 'HTTP 422', output: { responseStatus: 422 } });
    const [retriedRun] = await finishedRuns(gateway.url, { token: owner.token }, retried, 1);
    expect(retriedRun).toMatchObject({ status: 'succeeded', attemptCount: 2 });
    expect(retriedRun!.attempts.map((attempt) => [attempt.succeeded, attempt.error])).toEqual([[false, 'HTTP 429'], [true, null]]);
    receiver.respondWith(() => ({ status: 200 }));
  });

  it('the loop guard stops an automation whose mutation emits the event it listens to, and records why', async () => {
    const owner = await registerAndLogin(gateway.url, `loop-owner-${onPostgres}@example.test`);
    const id = await createdAutomation(gateway.url, { token: owner.token }, {
      name: 'keys beget keys',
      trigger: { eventType: 'api_key.created' },
      action: { mutation: 'mutation { createApiKey(input: { name: "spawned" }) { apiKey key { id name } } }' },
    });
    await createApiKey(gateway.url, owner.token, { name: 'seed' });
    const runs = await finishedRuns(gateway.url, { token: owner.token }, id, 2);
    const byStatus = Object.fromEntries(runs.map((run) => [run.status, run]));
    expect(Object.keys(byStatus).sort()).toEqual(['loop_stopped', 'succeeded']);
    // The key the action issued is never kept in the history.
    expect(byStatus['succeeded']!.output).toMatchObject({ createApiKey: { apiKey: '[redacted]', key: { name: 'spawned' } } });
    expect(byStatus['loop_stopped']).toMatchObject({ causedBy: [id], attemptCount: 0, input: { name: 'spawned' } });
    expect(byStatus['loop_stopped']!.lastError).toMatch(/^loop guard: the event was caused by this automation's own action/);

    const keys = await graphql(gateway.url, '{ apiKeys { name } }', {}, { token: owner.token });
    expect(keys.data!['apiKeys'].map((key: { name: string }) => key.name).sort()).toEqual(['seed', 'spawned']);
    // Nothing further is queued: two runs, for good.
    expect(await runsOf(gateway.url, { token: owner.token }, id)).toHaveLength(2);
  });

  it('stops a loop through another automation too (A → B → A)', async () => {
    const owner = await registerAndLogin(gateway.url, `chain-owner-${onPostgres}@example.test`);
    const credentials = { token: owner.token };
    const a = await createdAutomation(gateway.url, credentials, {
      name: 'A: revoke keys named victim',
      trigger: { eventType: 'api_key.created', condition: { name: 'victim' } },
      action: { mutation: 'mutation($keyId: ID!) { revokeApiKey(id: $keyId) { id } }' },
    });
    const b = await createdAutomation(gateway.url, credentials, {
      name: 'B: a revoked key is replaced by a victim',
      trigger: { eventType: 'api_key.revoked' },
      action: { mutation: 'mutation { createApiKey(input: { name: "victim" }) { key { id } } }' },
    });
    await createApiKey(gateway.url, owner.token, { name: 'victim' });
    const [aRuns, bRuns] = await Promise.all([finishedRuns(gateway.url, credentials, a, 2), finishedRuns(gateway.url, credentials, b, 1)]);
    expect(bRuns.map((run) => [run.status, run.causedBy])).toEqual([['succeeded', [a]]]);
    expect(aRuns.map((run) => [run.status, run.causedBy]).sort()).toEqual([['loop_stopped', [a, b]], ['succeeded', []]]);
  });
});
