import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { EVENT_DOCS } from '../../schema/event-docs.ts';
import { EVENT_TYPES, WEBHOOK_EVENT_TYPES } from '../../schema/events.ts';
import { SCOPES } from '../../schema/scopes.ts';
import { login, registerAndLogin } from '../support/account-flows.ts';
import { ADMIN, startTestGateway } from '../support/gateway-harness.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.ts';
import { graphql, jsonOf } from '../support/graphql-client.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';
import { createEndpoint } from './webhook-flows.ts';

const TRIGGER = 'mutation($type: String!, $id: ID) { triggerTestEvent(eventType: $type, endpointId: $id) { eventId eventType payload deliveries { id endpoint { id } } } }';

// Postgres runs when DATABASE_URL is set (the global setup says so when it is not).
const BACKENDS: readonly [string, boolean][] = [['embedded PGlite', false], ...(postgresAvailable ? [['Postgres', true] as [string, boolean]] : [])];

describe.each(BACKENDS)('docs catalogs and test events (POST /api/v1/events/trigger, triggerTestEvent) on %s', (_backend, onPostgres) => {
  let database: TestDatabase | undefined;
  let gateway: RunningGateway;
  let alice: { token: string; userId: string };
  let bob: { token: string; userId: string };
  let aliceHooks: WebhookReceiver;
  let bobHooks: WebhookReceiver;

  beforeAll(async () => {
    database = onPostgres ? await createTestDatabase() : undefined;
    gateway = await startTestGateway({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'loopback', ...(database ? { DATABASE_URL: database.url } : {}) });
    alice = await registerAndLogin(gateway.url, 'alice-trigger@example.test');
    bob = await registerAndLogin(gateway.url, 'bob-trigger@example.test');
    aliceHooks = await startWebhookReceiver();
    bobHooks = await startWebhookReceiver();
  });
  afterAll(async () => {
    await gateway?.close();
    await aliceHooks?.close();
    await bobHooks?.close();
    await database?.drop();
  });

  it('lists every event type of schema/events.ts with its sample, and every scope of schema/scopes.ts, without credentials', async () => {
    const events = await jsonOf(fetch(`${gateway.url}/api/v1/docs/events`));
    expect(events.data.items.map((item: { event_type: string }) => item.event_type).sort()).toEqual([...EVENT_TYPES].sort());
    expect(events.data.items.find((item: { event_type: string }) => item.event_type === 'api_key.created')).toEqual({
      event_type: 'api_key.created',
      description: EVENT_DOCS['api_key.created'].description,
      webhook_deliverable: true,
      sample_payload: EVENT_DOCS['api_key.created'].samplePayload,
    });
    const deliverable = await jsonOf(fetch(`${gateway.url}/api/v1/docs/events?webhook=true`));
    expect(deliverable.data.items.map((item: { event_type: string }) => item.event_type).sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
    const scopes = await jsonOf(fetch(`${gateway.url}/api/v1/docs/scopes`));
    expect(scopes.data.total).toBe(SCOPES.length);
    expect(scopes.data.items.map((item: { scope: string }) => item.scope)).toEqual([...SCOPES]);
    const webhookScopes = await jsonOf(fetch(`${gateway.url}/api/v1/docs/scopes?resource=webhooks`));
    expect(webhookScopes.data.items.map((item: { scope: string }) => item.scope)).toEqual(['read:webhooks', 'write:webhooks']);
  });

  it("signs and delivers the sample to the caller's own subscribed endpoints only", async () => {
    const own = await createEndpoint(gateway.url, { token: alice.token }, { url: aliceHooks.url, eventTypes: ['api_key.created'] });
    await createEndpoint(gateway.url, { token: alice.token }, { url: `${aliceHooks.url}/other-type`, eventTypes: ['api_key.revoked'] });
    await createEndpoint(gateway.url, { token: bob.token }, { url: bobHooks.url, eventTypes: ['api_key.created'] });

    const response = await fetch(`${gateway.url}/api/v1/events/trigger`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ event_type: 'api_key.created' }),
    });
    const body = await jsonOf(response);
    expect(response.status).toBe(202);
    expect(body.data).toMatchObject({ event_type: 'api_key.created', payload: EVENT_DOCS['api_key.created'].samplePayload, deliveries: [{ webhook_id: own.id }] });

    const [received] = await aliceHooks.waitFor(1);
    expect(received!.path).toBe('/hooks');
    expect(JSON.parse(received!.body)).toMatchObject({ type: 'api_key.created', data: EVENT_DOCS['api_key.created'].samplePayload });
    const id = received!.headers['webhook-id'] as string;
    const timestamp = received!.headers['webhook-timestamp'] as string;
    expect(id).toBe(body.data.event_id);
    const expected = createHmac('sha256', Buffer.from(own.secret.slice('whsec_'.length), 'base64')).update(`${id}.${timestamp}.${received!.body}`).digest('base64');
    expect(String(received!.headers['webhook-signature']).split(' ')).toContain(`v1,${expected}`);

    // Bob subscribed to the same type, but the test event was Alice's.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(bobHooks.received).toEqual([]);
    expect(aliceHooks.received).toHaveLength(1);
  });

  it("targets one of the caller's endpoints by id, and answers not found for someone else's", async () => {
    const own = await createEndpoint(gateway.url, { token: alice.token }, { url: `${aliceHooks.url}/targeted`, eventTypes: ['api_key.revoked'] });
    const bobs = await createEndpoint(gateway.url, { token: bob.token }, { url: `${bobHooks.url}/targeted`, eventTypes: ['webhook.test'] });

    const targeted = await graphql(gateway.url, TRIGGER, { type: 'webhook.test', id: own.id }, { token: alice.token });
    expect(targeted.errors).toBeUndefined();
    expect(targeted.data!['triggerTestEvent']).toMatchObject({ eventType: 'webhook.test', payload: { endpointId: own.id }, deliveries: [{ endpoint: { id: own.id } }] });
    const arrived = await aliceHooks.waitFor(1, (request) => request.path === '/hooks/targeted');
    expect(JSON.parse(arrived[0]!.body)).toMatchObject({ type: 'webhook.test', data: { endpointId: own.id } });

    const foreign = await graphql(gateway.url, TRIGGER, { type: 'webhook.test', id: bobs.id }, { token: alice.token });
    expect(foreign.errors?.[0]?.extensions?.['code']).toBe('RESOURCE_NOT_FOUND');
    // An admin may read every endpoint, but a test event still goes only to the admin's own.
    const admin = await login(gateway.url, ADMIN.email, ADMIN.password);
    const byAdmin = await graphql(gateway.url, TRIGGER, { type: 'webhook.test', id: bobs.id }, { token: admin.token });
    expect(byAdmin.errors?.[0]?.extensions?.['code']).toBe('RESOURCE_NOT_FOUND');
    const anonymous = await graphql(gateway.url, TRIGGER, { type: 'webhook.test' }, {});
    expect(anonymous.errors?.[0]?.extensions?.['code']).toBe('AUTHENTICATION_REQUIRED');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(bobHooks.received).toEqual([]);
  });

  it('refuses an event type an endpoint cannot subscribe to', async () => {
    const result = await graphql(gateway.url, TRIGGER, { type: 'webhook.delivery_attempted' }, { token: alice.token });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_ERROR', field: 'eventType' });
  });

  it('shows the new fields to GraphiQL and Sandbox through introspection', async () => {
    const result = await graphql(gateway.url, '{ q: __type(name: "Query") { fields { name } } m: __type(name: "Mutation") { fields { name } } }', {}, {});
    const names = (type: string) => (result.data![type]['fields'] as { name: string }[]).map((field) => field.name);
    expect(names('q')).toEqual(expect.arrayContaining(['eventCatalog', 'scopeCatalog']));
    expect(names('m')).toContain('triggerTestEvent');
  });
});
