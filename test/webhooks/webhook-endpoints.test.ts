import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformEvent } from '../../core/events/event-bus.ts';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { openDatabase, type Database } from '../../prisma/database.ts';
import { recordWebhookEvent } from '../../subgraphs/webhooks/outbox.ts';
import { generateWebhookSecret } from '../../subgraphs/webhooks/secret.ts';
import { createApiKey, login, registerAndLogin } from '../support/account-flows.ts';
import { ADMIN, startTestGateway } from '../support/gateway-harness.ts';
import { firstErrorCode, graphql } from '../support/graphql-client.ts';
import { createEndpoint, ENDPOINT_FIELDS, sendTest } from './webhook-flows.ts';

const CREATE = `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret endpoint { id } } }`;

describe('webhook endpoints over GraphQL (no worker, default SSRF guard)', () => {
  let gateway: RunningGateway;
  let alice: { token: string; userId: string };
  let bob: { token: string; userId: string };
  let admin: { token: string };

  beforeAll(async () => {
    gateway = await startTestGateway({ WEBHOOK_WORKER_ENABLED: 'false' });
    admin = await login(gateway.url, ADMIN.email, ADMIN.password);
    alice = await registerAndLogin(gateway.url, 'alice-hooks@example.test');
    bob = await registerAndLogin(gateway.url, 'bob-hooks@example.test');
  });
  afterAll(() => gateway?.close());

  const count = async () =>
    (await graphql(gateway.url, '{ webhookEndpoints { id } }', {}, { token: admin.token })).data!['webhookEndpoints'].length;

  it.each([
    [{ url: 'ftp://hooks.example.com/x', eventTypes: ['webhook.test'] }, 'url'],
    [{ url: 'not a url', eventTypes: ['webhook.test'] }, 'url'],
    [{ url: 'https://user:pw@hooks.example.com/x', eventTypes: ['webhook.test'] }, 'url'],
    [{ url: 'http://127.0.0.1:9/x', eventTypes: ['webhook.test'] }, 'url'],
    [{ url: 'http://169.254.169.254/latest/meta-data', eventTypes: ['webhook.test'] }, 'url'],
    [{ url: 'http://localhost/x', eventTypes: ['webhook.test'] }, 'url'],
    [{ url: 'https://hooks.example.com/x', eventTypes: [] }, 'eventTypes'],
    [{ url: 'https://hooks.example.com/x', eventTypes: ['invoice.created'] }, 'eventTypes'],
    [{ url: 'https://hooks.example.com/x', eventTypes: ['webhook.delivery_attempted'] }, 'eventTypes'],
    [{ url: 'https://hooks.example.com/x', eventTypes: ['webhook.test'], payloadFilter: [1, 2] }, 'payloadFilter'],
    [{ url: 'https://hooks.example.com/x', eventTypes: ['webhook.test'], payloadFilter: { nested: { a: 1 } } }, 'payloadFilter.nested'],
    [{ url: 'https://hooks.example.com/x', eventTypes: ['webhook.test'], description: 'x'.repeat(501) }, 'description'],
  ])('refuses %j with VALIDATION_ERROR naming %s, writing nothing', async (input, field) => {
    const before = await count();
    const result = await graphql(gateway.url, CREATE, { input }, { token: alice.token });
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_ERROR', field });
    expect(await count()).toBe(before);
  });

  it('needs a signed-in caller with the webhook scopes', async () => {
    const anonymous = await graphql(gateway.url, CREATE, { input: { url: 'https://hooks.example.com/x', eventTypes: ['webhook.test'] } });
    expect(firstErrorCode(anonymous)).toBe('AUTHENTICATION_REQUIRED');
    const readOnly = await createApiKey(gateway.url, alice.token, { name: 'read only', scopes: ['read:webhooks'] });
    const refused = await graphql(gateway.url, CREATE, { input: { url: 'https://hooks.example.com/x', eventTypes: ['webhook.test'] } }, { apiKey: readOnly.apiKey });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'INSUFFICIENT_PERMISSIONS', requiredScope: 'write:webhooks' });
  });

  it('shows owners only their own endpoints and deliveries, and admins everything', async () => {
    const mine = await createEndpoint(gateway.url, { token: alice.token }, { url: 'https://hooks.example.com/alice', eventTypes: ['webhook.test'], description: 'alice' });
    const sent = await sendTest(gateway.url, { token: alice.token }, mine.id);

    const listed = await graphql(gateway.url, `{ webhookEndpoints { ${ENDPOINT_FIELDS} } }`, {}, { token: bob.token });
    expect(listed.data?.webhookEndpoints).toEqual([]);
    for (const [query, variables] of [
      ['query($id: ID!) { webhookEndpoint(id: $id) { id } }', { id: mine.id }],
      ['query($id: ID!) { webhookDelivery(id: $id) { id } }', { id: sent.id }],
      ['query($id: ID!) { webhookDeliveries(endpointId: $id) { nodes { id } } }', { id: mine.id }],
      ['mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id } }', { id: sent.id }],
      ['mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }', { id: mine.id }],
      ['mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret } }', { id: mine.id }],
    ] as const) {
      expect(firstErrorCode(await graphql(gateway.url, query, variables, { token: bob.token }))).toBe('RESOURCE_NOT_FOUND');
    }
    const bobsDeliveries = await graphql(gateway.url, '{ webhookDeliveries { nodes { id } } }', {}, { token: bob.token });
    expect(bobsDeliveries.data?.webhookDeliveries.nodes).toEqual([]);

    const all = await graphql(gateway.url, '{ webhookEndpoints { id owner { id } } webhookDeliveries { nodes { id webhookId } } }', {}, { token: admin.token });
    expect(all.data?.webhookEndpoints).toContainEqual({ id: mine.id, owner: { id: alice.userId } });
    expect(all.data?.webhookDeliveries.nodes).toContainEqual({ id: sent.id, webhookId: sent.webhookId });
  });

  it('pages deliveries newest first with opaque cursors', async () => {
    const paged = await createEndpoint(gateway.url, { token: alice.token }, { url: 'https://hooks.example.com/paged', eventTypes: ['webhook.test'] });
    const sent = [];
    for (let i = 0; i < 5; i += 1) sent.push(await sendTest(gateway.url, { token: alice.token }, paged.id, `n${i}`));
    const query = 'query($id: ID!, $after: String) { webhookEndpoint(id: $id) { deliveries(first: 2, after: $after) { nodes { id status payload } pageInfo { endCursor hasNextPage } } } }';
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      type Connection = { nodes: Array<{ id: string }>; pageInfo: { endCursor: string | null; hasNextPage: boolean } };
      const page = await graphql<{ webhookEndpoint: { deliveries: Connection } }>(gateway.url, query, { id: paged.id, after }, { token: alice.token });
      expect(page.errors).toBeUndefined();
      const connection: Connection = page.data!.webhookEndpoint.deliveries;
      seen.push(...connection.nodes.map((node) => node.id));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual(sent.map((delivery) => delivery.id).reverse());
    const bad = await graphql(gateway.url, query, { id: paged.id, after: 'garbage' }, { token: alice.token });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_ERROR', field: 'after' });
  });

  it('updates, disables and deletes an endpoint', async () => {
    const created = await createEndpoint(gateway.url, { token: alice.token }, { url: 'https://hooks.example.com/edit', eventTypes: ['webhook.test'] });
    const updated = await graphql(
      gateway.url,
      `mutation($id: ID!, $input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(id: $id, input: $input) { ${ENDPOINT_FIELDS} } }`,
      { id: created.id, input: { description: 'renamed', eventTypes: ['api_key.created', 'api_key.created'], payloadFilter: { tier: 'pro' }, enabled: false } },
      { token: alice.token },
    );
    expect(updated.data?.updateWebhookEndpoint).toMatchObject({
      description: 'renamed',
      eventTypes: ['api_key.created'],
      payloadFilter: { tier: 'pro' },
      enabled: false,
      disabledReason: 'disabled by its owner',
    });
    const test = await graphql(gateway.url, 'mutation($id: ID!) { sendTestWebhook(endpointId: $id) { id } }', { id: created.id }, { token: alice.token });
    expect(test.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_ERROR', field: 'endpointId' });
    const cleared = await graphql(gateway.url, 'mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: { payloadFilter: null }) { payloadFilter } }', { id: created.id }, { token: alice.token });
    expect(cleared.data?.updateWebhookEndpoint.payloadFilter).toBeNull();
    const deleted = await graphql(gateway.url, 'mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }', { id: created.id }, { token: alice.token });
    expect(deleted.data?.deleteWebhookEndpoint).toBe(created.id);
    expect(firstErrorCode(await graphql(gateway.url, 'query($id: ID!) { webhookEndpoint(id: $id) { id } }', { id: created.id }, { token: alice.token }))).toBe('RESOURCE_NOT_FOUND');
  });

  it('lists the event types an endpoint may subscribe to', async () => {
    const types = await graphql(gateway.url, '{ webhookEventTypes }', {}, { token: alice.token });
    expect(types.data?.webhookEventTypes).toContain('api_key.created');
    expect(types.data?.webhookEventTypes).not.toContain('webhook.delivery_attempted');
  });
});

describe('the outbox', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
  });
  afterAll(() => database?.close());

  it('rolls back with the transaction that wrote it', async () => {
    const { prisma } = database;
    const user = await prisma.user.create({ data: { email: 'outbox@example.test', passwordHash: 'x' } });
    await prisma.webhookEndpoint.create({ data: { ownerId: user.id, url: 'https://hooks.example.com/o', eventTypes: ['api_key.revoked'], secret: generateWebhookSecret() } });
    const event = platformEvent('api_key.revoked', user.id, { keyId: 'k' });
    await expect(
      prisma.$transaction(async (tx) => {
        expect(await recordWebhookEvent(tx, event)).toBe(1);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await prisma.webhookDelivery.count()).toBe(0);
    expect(await prisma.webhookMessage.count()).toBe(0);

    await prisma.$transaction((tx) => recordWebhookEvent(tx, event));
    expect(await prisma.webhookDelivery.count()).toBe(1);
    expect(await recordWebhookEvent(prisma, platformEvent('api_key.created', user.id, { keyId: 'k', name: 'n', tier: 'free' }))).toBe(0);
  });
});
