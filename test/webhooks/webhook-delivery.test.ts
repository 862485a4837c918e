import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { createApiKey, login, registerAndLogin } from '../support/account-flows.ts';
import { ADMIN, startTestGateway } from '../support/gateway-harness.ts';
import { graphql } from '../support/graphql-client.ts';
import { eventually, startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../support/webhook-receiver.ts';
import { createEndpoint, delivery, endpoint, sendTest } from './webhook-flows.ts';

const FAST_WEBHOOKS = {
  WEBHOOK_ALLOW_PRIVATE_TARGETS: 'loopback',
  WEBHOOK_POLL_INTERVAL_MS: '20',
  WEBHOOK_RETRY_SCHEDULE: '0,50ms,100ms',
  WEBHOOK_TIMEOUT_MS: '400',
  WEBHOOK_DISABLE_AFTER: '0',
};

const headersOf = (request: ReceivedWebhook) => ({
  'webhook-id': String(request.headers['webhook-id']),
  'webhook-timestamp': String(request.headers['webhook-timestamp']),
  'webhook-signature': String(request.headers['webhook-signature']),
});

describe('webhook delivery through the gateway (embedded PGlite, real receivers)', () => {
  let gateway: RunningGateway;
  let receiver: WebhookReceiver;
  let token: string;

  beforeAll(async () => {
    gateway = await startTestGateway(FAST_WEBHOOKS);
    receiver = await startWebhookReceiver();
    ({ token } = await registerAndLogin(gateway.url, 'hooks@example.test'));
  });
  afterAll(async () => {
    await gateway?.close();
    await receiver?.close();
  });

  const forEndpoint = (path: string) => (request: ReceivedWebhook) => request.path === path;
  const url = (path: string) => receiver.url.replace('/hooks', path);

  it('signs a test event so an independent Standard Webhooks implementation verifies it', async () => {
    const created = await createEndpoint(gateway.url, { token }, { url: url('/signed'), eventTypes: ['webhook.test'] });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const sent = await sendTest(gateway.url, { token }, created.id, 'hello');
    const [request] = await receiver.waitFor(1, forEndpoint('/signed'));
    expect(request!.headers['webhook-id']).toBe(sent.webhookId);
    expect(request!.headers['content-type']).toBe('application/json');

    const verified = new Webhook(created.secret).verify(request!.body, headersOf(request!)) as { type: string; data: unknown };
    expect(verified).toMatchObject({ type: 'webhook.test', data: { endpointId: created.id, message: 'hello' } });

    // The spec's formula by hand: base64(HMAC-SHA256(base64-decoded secret, "id.timestamp.body")).
    const key = Buffer.from(created.secret.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key).update(`${sent.webhookId}.${request!.headers['webhook-timestamp']}.${request!.body}`).digest('base64');
    expect(request!.headers['webhook-signature']).toBe(`v1,${expected}`);
    expect(Math.abs(Number(request!.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(30);

    const done = await eventually(async () => {
      const record = await delivery(gateway.url, { token }, sent.id);
      return record.status === 'succeeded' ? record : undefined;
    });
    expect(done.attempts.nodes).toEqual([expect.objectContaining({ attemptNumber: 1, succeeded: true, responseStatus: 200, responseExcerpt: 'answered 200' })]);
  });

  it("delivers an API key's creation and revocation, written by the keys subgraph's transaction", async () => {
    await createEndpoint(gateway.url, { token }, { url: url('/keys'), eventTypes: ['api_key.created', 'api_key.revoked'] });
    const key = await createApiKey(gateway.url, token, { name: 'hooked' });
    const revoked = await graphql(gateway.url, 'mutation($id: ID!) { revokeApiKey(id: $id) { status } }', { id: key.id }, { token });
    expect(revoked.errors).toBeUndefined();
    const received = await receiver.waitFor(2, forEndpoint('/keys'));
    const bodies = received.map((request) => JSON.parse(request.body) as { type: string; data: { keyId: string } });
    expect(bodies.map((body) => body.type).sort()).toEqual(['api_key.created', 'api_key.revoked']);
    expect(bodies.every((body) => body.data.keyId === key.id)).toBe(true);
  });

  it('applies the payload filter', async () => {
    const adminSession = await login(gateway.url, ADMIN.email, ADMIN.password);
    const member = await registerAndLogin(gateway.url, 'tiered@example.test');
    await createEndpoint(gateway.url, { token: member.token }, { url: url('/tiers'), eventTypes: ['user.tier_changed'], payloadFilter: { tier: 'enterprise' } });
    for (const tier of ['pro', 'enterprise']) {
      const changed = await graphql(gateway.url, 'mutation($id: ID!, $tier: Tier!) { setUserTier(userId: $id, tier: $tier) { tier } }', { id: member.userId, tier }, { token: adminSession.token });
      expect(changed.errors).toBeUndefined();
    }
    const [only] = await receiver.waitFor(1, forEndpoint('/tiers'));
    expect(JSON.parse(only!.body)).toMatchObject({ type: 'user.tier_changed', data: { userId: member.userId, tier: 'enterprise' } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.received.filter(forEndpoint('/tiers'))).toHaveLength(1);
  });

  it('retries a 500 and a timeout with the same webhook-id and logs every attempt', async () => {
    let calls = 0;
    receiver.respondWith((request) => {
      if (request.path !== '/flaky') return { status: 200 };
      calls += 1;
      if (calls === 1) return { status: 500, body: 'boom' };
      if (calls === 2) return { status: 200, delayMs: 1_000 };
      return { status: 204 };
    });
    const created = await createEndpoint(gateway.url, { token }, { url: url('/flaky'), eventTypes: ['webhook.test'] });
    const sent = await sendTest(gateway.url, { token }, created.id);
    const received = await receiver.waitFor(3, forEndpoint('/flaky'));
    expect(new Set(received.map((request) => request.headers['webhook-id']))).toEqual(new Set([sent.webhookId]));
    const done = await eventually(async () => {
      const record = await delivery(gateway.url, { token }, sent.id);
      return record.status === 'succeeded' ? record : undefined;
    });
    expect(done.attemptCount).toBe(3);
    expect(done.attempts.nodes).toMatchObject([
      { attemptNumber: 1, succeeded: false, responseStatus: 500, responseExcerpt: 'boom', error: 'HTTP 500' },
      { attemptNumber: 2, succeeded: false, responseStatus: null, error: 'timed out after 400 ms' },
      { attemptNumber: 3, succeeded: true, responseStatus: 204 },
    ]);
    receiver.respondWith(() => ({ status: 200 }));
  });

  it('waits as long as Retry-After asks, beyond the schedule', async () => {
    let calls = 0;
    receiver.respondWith((request) => {
      if (request.path !== '/busy') return { status: 200 };
      calls += 1;
      return calls === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 };
    });
    const created = await createEndpoint(gateway.url, { token }, { url: url('/busy'), eventTypes: ['webhook.test'] });
    await sendTest(gateway.url, { token }, created.id);
    const [first, second] = await receiver.waitFor(2, forEndpoint('/busy'));
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(950);
    receiver.respondWith(() => ({ status: 200 }));
  });

  it('disables an endpoint that answers 410 Gone and tells its owner', async () => {
    receiver.respondWith((request) => (request.path === '/gone' ? { status: 410 } : { status: 200 }));
    const owner = await registerAndLogin(gateway.url, 'gone@example.test');
    await createEndpoint(gateway.url, { token: owner.token }, { url: url('/notices'), eventTypes: ['webhook.endpoint_disabled'] });
    const gone = await createEndpoint(gateway.url, { token: owner.token }, { url: url('/gone'), eventTypes: ['webhook.test'] });
    const sent = await sendTest(gateway.url, { token: owner.token }, gone.id);
    const [notice] = await receiver.waitFor(1, forEndpoint('/notices'));
    expect(JSON.parse(notice!.body)).toMatchObject({ type: 'webhook.endpoint_disabled', data: { endpointId: gone.id, reason: 'the endpoint answered 410 Gone' } });
    expect(await endpoint(gateway.url, { token: owner.token }, gone.id)).toMatchObject({ enabled: false, disabledReason: 'the endpoint answered 410 Gone' });
    expect(receiver.received.filter(forEndpoint('/gone'))).toHaveLength(1);
    expect(await delivery(gateway.url, { token: owner.token }, sent.id)).toMatchObject({ status: 'failed', attemptCount: 1 });
    receiver.respondWith(() => ({ status: 200 }));
  });

  it('disables an endpoint that fails every attempt, then recovers its failed deliveries once it is fixed', async () => {
    receiver.respondWith((request) => (request.path === '/down' ? { status: 503 } : { status: 200 }));
    const owner = await registerAndLogin(gateway.url, 'down@example.test');
    await createEndpoint(gateway.url, { token: owner.token }, { url: url('/down-notices'), eventTypes: ['webhook.endpoint_disabled'] });
    const down = await createEndpoint(gateway.url, { token: owner.token }, { url: url('/down'), eventTypes: ['webhook.test'] });
    const since = new Date(Date.now() - 1_000).toISOString();
    const first = await sendTest(gateway.url, { token: owner.token }, down.id, 'one');
    await receiver.waitFor(3, forEndpoint('/down'));
    const [notice] = await receiver.waitFor(1, forEndpoint('/down-notices'));
    expect(JSON.parse(notice!.body).data.reason).toMatch(/^every attempt failed/);
    const failed = await eventually(async () => {
      const record = await delivery(gateway.url, { token: owner.token }, first.id);
      return record.status === 'failed' ? record : undefined;
    });
    expect(failed.attempts.nodes.map((attempt: { responseStatus: number }) => attempt.responseStatus)).toEqual([503, 503, 503]);

    const refused = await graphql(gateway.url, 'mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id } }', { id: first.id }, { token: owner.token });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_ERROR', field: 'deliveryId' });

    receiver.respondWith(() => ({ status: 200 }));
    const enabled = await graphql(gateway.url, 'mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: { enabled: true }) { enabled disabledReason } }', { id: down.id }, { token: owner.token });
    expect(enabled.data?.updateWebhookEndpoint).toEqual({ enabled: true, disabledReason: null });
    const recovered = await graphql(gateway.url, 'mutation($id: ID!, $since: DateTime!) { recoverWebhookDeliveries(endpointId: $id, since: $since) }', { id: down.id, since }, { token: owner.token });
    expect(recovered.data?.recoverWebhookDeliveries).toBe(1);
    const replayed = await receiver.waitFor(4, forEndpoint('/down'));
    expect(replayed[3]!.headers['webhook-id']).toBe(first.webhookId);
    const again = await graphql(gateway.url, 'mutation($id: ID!, $since: DateTime!) { recoverWebhookDeliveries(endpointId: $id, since: $since) }', { id: down.id, since }, { token: owner.token });
    expect(again.data?.recoverWebhookDeliveries).toBe(0);
  });

  it('redelivers one message with its original webhook-id', async () => {
    const created = await createEndpoint(gateway.url, { token }, { url: url('/replay'), eventTypes: ['webhook.test'] });
    const sent = await sendTest(gateway.url, { token }, created.id);
    await receiver.waitFor(1, forEndpoint('/replay'));
    const replay = await graphql(gateway.url, 'mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id webhookId redeliveryOf } }', { id: sent.id }, { token });
    expect(replay.errors).toBeUndefined();
    expect(replay.data?.redeliverWebhook).toMatchObject({ webhookId: sent.webhookId, redeliveryOf: sent.id });
    const both = await receiver.waitFor(2, forEndpoint('/replay'));
    expect(both.map((request) => request.headers['webhook-id'])).toEqual([sent.webhookId, sent.webhookId]);
    expect(both[0]!.body).toBe(both[1]!.body);
  });

  it('signs with both secrets during a rotation overlap, then with the new one only', async () => {
    const created = await createEndpoint(gateway.url, { token }, { url: url('/rotated'), eventTypes: ['webhook.test'] });
    const rotated = await graphql(gateway.url, 'mutation($id: ID!) { rotateWebhookSecret(id: $id, overlapSeconds: 3600) { secret endpoint { previousSecretExpiresAt } } }', { id: created.id }, { token });
    const newSecret = rotated.data?.rotateWebhookSecret.secret as string;
    expect(newSecret).not.toBe(created.secret);
    await sendTest(gateway.url, { token }, created.id);
    const [overlapping] = await receiver.waitFor(1, forEndpoint('/rotated'));
    expect(String(overlapping!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const secret of [newSecret, created.secret]) expect(() => new Webhook(secret).verify(overlapping!.body, headersOf(overlapping!))).not.toThrow();

    const immediate = await graphql(gateway.url, 'mutation($id: ID!) { rotateWebhookSecret(id: $id, overlapSeconds: 0) { secret } }', { id: created.id }, { token });
    const latest = immediate.data?.rotateWebhookSecret.secret as string;
    await sendTest(gateway.url, { token }, created.id);
    const [, after] = await receiver.waitFor(2, forEndpoint('/rotated'));
    expect(() => new Webhook(latest).verify(after!.body, headersOf(after!))).not.toThrow();
    expect(() => new Webhook(newSecret).verify(after!.body, headersOf(after!))).toThrow();
  });
});
