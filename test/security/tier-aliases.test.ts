import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { login, registerAndLogin, userOfTier } from '../support/account-flows.ts';
import { ADMIN, startTestGateway } from '../support/gateway-harness.ts';
import { graphql, jsonOf } from '../support/graphql-client.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.ts';

const SET_TIER = 'mutation($id: ID!, $tier: Tier!) { setUserTier(userId: $id, tier: $tier) { tier } }';

// CONTRACT.md section 2: `standard` and `premium` are accepted on input and answered as free and pro.
const backends = [
  { name: 'embedded', env: async () => ({ env: {}, drop: async () => undefined }) },
  ...(postgresAvailable
    ? [{ name: 'Postgres', env: async () => { const db: TestDatabase = await createTestDatabase(); return { env: { DATABASE_URL: db.url }, drop: () => db.drop() }; } }]
    : []),
];

describe.each(backends)('tier aliases on input ($name)', ({ env }) => {
  let gateway: RunningGateway;
  let drop: () => Promise<void>;
  let admin: { token: string };

  beforeAll(async () => {
    const backend = await env();
    drop = backend.drop;
    gateway = await startTestGateway(backend.env);
    admin = await login(gateway.url, ADMIN.email, ADMIN.password);
  });
  afterAll(async () => {
    await gateway?.close();
    await drop?.();
  });

  it('setUserTier takes premium and standard, as literals and as variables, and answers the canonical name', async () => {
    const user = await registerAndLogin(gateway.url, 'alias-set@tiers.test');
    const literal = await graphql(gateway.url, 'mutation($id: ID!) { setUserTier(userId: $id, tier: premium) { tier } }', { id: user.userId }, admin);
    expect(literal.errors).toBeUndefined();
    expect(literal.data?.setUserTier.tier).toBe('pro');
    const variable = await graphql(gateway.url, SET_TIER, { id: user.userId, tier: 'standard' }, admin);
    expect(variable.errors).toBeUndefined();
    expect(variable.data?.setUserTier.tier).toBe('free');
  });

  it('createApiKey takes an alias and stores the canonical tier', async () => {
    const pro = await userOfTier(gateway.url, 'alias-key@tiers.test', 'pro', ADMIN);
    const result = await graphql(
      gateway.url,
      'mutation { a: createApiKey(input: { name: "a", tier: standard }) { key { tier } } b: createApiKey(input: { name: "b", tier: premium }) { key { tier } } }',
      {},
      pro,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ a: { key: { tier: 'free' } }, b: { key: { tier: 'pro' } } });
  });

  it('platformUsage filters by an alias', async () => {
    const result = await graphql(gateway.url, '{ platformUsage(filter: { tier: premium }) { total { requests } } }', {}, admin);
    expect(result.errors).toBeUndefined();
    expect(typeof result.data?.platformUsage.total.requests).toBe('number');
  });

  it('the REST bridge takes an alias in a body and answers the canonical name', async () => {
    const pro = await userOfTier(gateway.url, 'alias-rest@tiers.test', 'pro', ADMIN);
    const post = (path: string, body: unknown) =>
      fetch(`${gateway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${pro.token}` }, body: JSON.stringify(body) });
    const legacy = await post('/api-keys/create', { name: 'legacy', tier: 'standard' });
    expect(legacy.status).toBe(201);
    expect((await jsonOf(legacy)).data.tier).toBe('free');
    const ubp = await post('/api/v1/api-keys', { name: 'ubp', tier: 'premium' });
    expect(ubp.status).toBe(201);
    expect((await jsonOf(ubp)).data.tier).toBe('pro');
  });

  it('an unknown tier is still refused', async () => {
    const user = await registerAndLogin(gateway.url, 'alias-unknown@tiers.test');
    const result = await graphql(gateway.url, SET_TIER, { id: user.userId, tier: 'gold' }, admin);
    expect(result.status).toBe(400);
  });
});
