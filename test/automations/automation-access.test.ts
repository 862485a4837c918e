import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { createApiKey, registerAndLogin } from '../support/account-flows.ts';
import { startTestGateway } from '../support/gateway-harness.ts';
import { firstErrorCode, graphql, jsonOf } from '../support/graphql-client.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.ts';
import { createEndpoint } from '../webhooks/webhook-flows.ts';
import { AUTOMATION_FIELDS, createAutomation, createdAutomation, finishedRuns } from './automation-flows.ts';

// Postgres runs when DATABASE_URL is set (the global setup says so when it is not).
const BACKENDS: readonly [string, boolean][] = [['embedded PGlite', false], ...(postgresAvailable ? [['Postgres', true] as [string, boolean]] : [])];

const VALID = {
  name: 'valid',
  trigger: { eventType: 'api_key.created' },
  action: { mutation: 'mutation($keyId: ID!) { revokeApiKey(id: $keyId) { id } }' },
};

describe.each(BACKENDS)('automation ownership and input checks on %s', (_backend, onPostgres) => {
  let database: TestDatabase | undefined;
  let gateway: RunningGateway;
  let alice: { token: string; userId: string };
  let bob: { token: string; userId: string };

  beforeAll(async () => {
    database = onPostgres ? await createTestDatabase() : undefined;
    gateway = await startTestGateway({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'loopback', AUTOMATION_POLL_INTERVAL_MS: '20', ...(database ? { DATABASE_URL: database.url } : {}) });
    alice = await registerAndLogin(gateway.url, 'alice-automations@example.test');
    bob = await registerAndLogin(gateway.url, 'bob-automations@example.test');
  });
  afterAll(async () => {
    await gateway?.close();
    await database?.drop();
  });

  const countOf = async (token: string) => {
    const result = await graphql(gateway.url, '{ automations { id } }', {}, { token });
    expect(result.errors).toBeUndefined();
    return result.data!['automations'].length as number;
  };

  it.each([
    ['an unknown event type', { ...VALID, trigger: { eventType: 'no.such_event' } }, "Invalid 'trigger.eventType': must be an event type automations hear"],
    ['an event type automations do not hear', { ...VALID, trigger: { eventType: 'webhook.test' } }, "Invalid 'trigger.eventType'"],
    ['a condition that is not an object', { ...VALID, trigger: { eventType: 'api_key.created', condition: 'tier = pro' } }, "Invalid 'trigger.condition'"],
    ['a condition comparing a nested object', { ...VALID, trigger: { eventType: 'api_key.created', condition: { tier: { $gt: 'free' } } } }, "Invalid 'trigger.condition"],
    ['a field the supergraph has no mutation for', { ...VALID, action: { mutation: 'mutation { launchRockets }' } }, 'Cannot query field "launchRockets" on type "Mutation"'],
    ['a query where a mutation belongs', { ...VALID, action: { mutation: '{ apiKeys { id } }' } }, "Invalid 'action.mutation': must be a mutation, not a query"],
    ['a document that does not parse', { ...VALID, action: { mutation: 'mutation {' } }, "Invalid 'action.mutation': Syntax Error"],
    ['a wrongly typed argument', { ...VALID, action: { mutation: 'mutation { revokeApiKey(id: 42.5) { id } }' } }, "Invalid 'action.mutation'"],
    [
      'a required variable neither the payload nor the variables give',
      { ...VALID, trigger: { eventType: 'user.tier_changed' } },
      "Invalid 'action.mutation': $keyId is required, but neither the user.tier_changed payload (userId, tier) nor 'action.variables' gives it",
    ],
    ['two actions at once', { ...VALID, action: { mutation: 'mutation { logout }', webhookEndpointId: '00000000-0000-4000-8000-000000000000' } }, 'exactly one of webhookEndpointId or mutation'],
    ['no action', { ...VALID, action: {} }, 'exactly one of webhookEndpointId or mutation'],
    ['a delay over a day', { ...VALID, delaySeconds: 86_401 }, "Invalid 'delaySeconds': must be at most 86400"],
    ['an empty name', { ...VALID, name: '  ' }, "Invalid 'name': is required"],
  ])('refuses %s with a 400 naming the problem, and writes nothing', async (_what, input, message) => {
    const before = await countOf(alice.token);
    const result = await createAutomation(gateway.url, { token: alice.token }, input);
    expect(result.status).toBe(400);
    expect(firstErrorCode(result)).toBe('VALIDATION_ERROR');
    expect(result.errors![0]!.message).toContain(message);
    expect(await countOf(alice.token)).toBe(before);
  });

  it('refuses a new trigger whose payload no longer gives the kept mutation its variables, and changes nothing', async () => {
    const id = await createdAutomation(gateway.url, { token: alice.token }, { ...VALID, name: 'kept' });
    const result = await graphql(gateway.url, 'mutation($id: ID!) { updateAutomation(id: $id, input: { name: "moved", trigger: { eventType: "user.tier_changed" } }) { id } }', { id }, { token: alice.token });
    expect(result.status).toBe(400);
    expect(result.errors![0]!.message).toContain('$keyId is required');
    const kept = await graphql(gateway.url, 'query($id: ID!) { automation(id: $id) { name trigger { eventType } } }', { id }, { token: alice.token });
    expect(kept.data).toEqual({ automation: { name: 'kept', trigger: { eventType: 'api_key.created' } } });
  });

  it("refuses another user's webhook endpoint as the action, without saying whose it is", async () => {
    const bobsEndpoint = await createEndpoint(gateway.url, { token: bob.token }, { url: 'http://127.0.0.1:9/bob', eventTypes: ['webhook.test'] });
    const result = await createAutomation(gateway.url, { token: alice.token }, { ...VALID, action: { webhookEndpointId: bobsEndpoint.id } });
    expect(firstErrorCode(result)).toBe('VALIDATION_ERROR');
    expect(result.errors![0]!.message).toBe(`Invalid 'action.webhookEndpointId': no webhook endpoint '${bobsEndpoint.id}' of yours`);
  });

  it('keeps an automation its owner\'s: to anyone else it does not exist, over GraphQL and REST', async () => {
    const id = await createdAutomation(gateway.url, { token: alice.token }, { ...VALID, name: "alice's" });
    const asBob = { token: bob.token };
    const reads = [
      graphql(gateway.url, `query($id: ID!) { automation(id: $id) { ${AUTOMATION_FIELDS} } }`, { id }, asBob),
      graphql(gateway.url, 'query($id: ID!) { automationRuns(automationId: $id) { nodes { id } } }', { id }, asBob),
      graphql(gateway.url, 'mutation($id: ID!) { updateAutomation(id: $id, input: { name: "mine now" }) { id } }', { id }, asBob),
      graphql(gateway.url, 'mutation($id: ID!) { disableAutomation(id: $id) { id } }', { id }, asBob),
      graphql(gateway.url, 'mutation($id: ID!) { deleteAutomation(id: $id) }', { id }, asBob),
    ];
    for (const result of await Promise.all(reads)) {
      expect(firstErrorCode(result)).toBe('RESOURCE_NOT_FOUND');
      expect(result.errors![0]!.message).toBe(`Automation '${id}' not found`);
    }
    expect(await countOf(bob.token)).toBe(0);

    const headers = { authorization: `Bearer ${bob.token}`, 'content-type': 'application/json' };
    for (const [method, path, body] of [
      ['GET', `/api/v1/automations/${id}`, undefined],
      ['GET', `/api/v1/automations/${id}/runs`, undefined],
      ['PUT', `/api/v1/automations/${id}`, JSON.stringify({ enabled: false })],
      ['DELETE', `/api/v1/automations/${id}`, undefined],
    ] as const) {
      const response = await fetch(`${gateway.url}${path}`, { method, headers, ...(body ? { body } : {}) });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(await jsonOf(response)).toMatchObject({ success: false, error_code: 'RESOURCE_NOT_FOUND' });
    }

    // Untouched by all of it.
    const mine = await graphql(gateway.url, `query($id: ID!) { automation(id: $id) { name enabled } }`, { id }, { token: alice.token });
    expect(mine.data).toEqual({ automation: { name: "alice's", enabled: true } });
  });

  it('an automation made with an API key acts with no more than that key may: its scopes, and only while it is active', async () => {
    const carol = await registerAndLogin(gateway.url, 'carol-automations@example.test');
    const key = await createApiKey(gateway.url, carol.token, { name: 'webhooks only', scopes: ['read:webhooks', 'write:webhooks'] });
    const id = await createdAutomation(gateway.url, { apiKey: key.apiKey }, {
      name: 'escalate',
      trigger: { eventType: 'api_key.created', condition: { name: 'trigger' } },
      action: { mutation: 'mutation { createApiKey(input: { name: "escalated" }) { key { id } } }' },
    });
    await createApiKey(gateway.url, carol.token, { name: 'trigger' });
    const [run] = await finishedRuns(gateway.url, { token: carol.token }, id, 1);
    expect(run).toMatchObject({ status: 'failed', attemptCount: 1, lastError: expect.stringContaining("'write:keys'") });
    const keys = await graphql(gateway.url, '{ apiKeys { name } }', {}, { token: carol.token });
    expect(keys.data!['apiKeys'].map((entry: { name: string }) => entry.name).sort()).toEqual(['trigger', 'webhooks only']);

    // Revoked, the key stops acting for its automations.
    const revoked = await graphql(gateway.url, 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: key.id }, { token: carol.token });
    expect(revoked.errors).toBeUndefined();
    await createApiKey(gateway.url, carol.token, { name: 'trigger' });
    const runs = await finishedRuns(gateway.url, { token: carol.token }, id, 2);
    expect(runs[0]).toMatchObject({ status: 'failed', lastError: 'the API key that set up this automation is revoked' });
  });

  it('lists, changes, disables and deletes through the REST routes', async () => {
    const headers = { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' };
    const created = await jsonOf(
      fetch(`${gateway.url}/api/v1/automations`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: 'over rest', event_type: 'api_key.revoked', condition: { keyId: 'x' }, delay_seconds: 5, action: { mutation: 'mutation { logout }' } }),
      }),
    );
    expect(created).toMatchObject({
      success: true,
      data: { name: 'over rest', event_type: 'api_key.revoked', condition: { keyId: 'x' }, delay_seconds: 5, action: { type: 'mutation', webhook_id: null }, enabled: true },
    });
    const id = created.data.automation_id as string;
    const listed = await jsonOf(fetch(`${gateway.url}/api/v1/automations`, { headers }));
    expect(listed.data.items.map((item: { automation_id: string }) => item.automation_id)).toContain(id);

    const conditionAlone = await fetch(`${gateway.url}/api/v1/automations/${id}`, { method: 'PUT', headers, body: JSON.stringify({ condition: { keyId: 'y' } }) });
    expect(conditionAlone.status).toBe(400);
    expect(await jsonOf(conditionAlone)).toMatchObject({ error_code: 'VALIDATION_ERROR', error: expect.stringContaining("send 'event_type' with it") });
    const disabled = await jsonOf(fetch(`${gateway.url}/api/v1/automations/${id}`, { method: 'PUT', headers, body: JSON.stringify({ enabled: false }) }));
    expect(disabled.data).toMatchObject({ enabled: false, disabled_reason: 'disabled by its owner', condition: { keyId: 'x' } });
    const runs = await jsonOf(fetch(`${gateway.url}/api/v1/automations/${id}/runs`, { headers }));
    expect(runs.data).toEqual({ total: 0, items: [], next_cursor: null });

    const deleted = await jsonOf(fetch(`${gateway.url}/api/v1/automations/${id}`, { method: 'DELETE', headers }));
    expect(deleted.data).toEqual({ automation_id: id });
    const gone = await fetch(`${gateway.url}/api/v1/automations/${id}`, { headers });
    expect(gone.status).toBe(404);
  });
});
