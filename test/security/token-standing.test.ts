import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { login, registerAndLogin, userOfTier } from '../support/account-flows.ts';
import { accessTokens } from '../../core/identity/access-tokens.ts';
import { ADMIN, startTestGateway, testConfig } from '../support/gateway-harness.ts';
import { firstErrorCode, graphql } from '../support/graphql-client.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.ts';
import type { StartedProcess } from '../support/processes.ts';
import { startGatewayProcess } from '../support/gateway-process.ts';
import { connectSubscriber } from '../support/subscription-client.ts';

const SET_TIER = 'mutation($id: ID!, $tier: Tier!) { setUserTier(userId: $id, tier: $tier) { tier } }';
const PLATFORM_USAGE = '{ platformUsage { total { requests } } }';

/** Polls until the call is refused, for replicas that hear the change over Redis a moment later. */
async function refusedSoon(call: () => Promise<{ status: number }>, timeoutMs = 10_000): Promise<number> {
  let status = 0;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    status = (await call()).status;
    if (status === 401) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return status;
}

describe('a tier change binds existing access tokens (embedded)', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startTestGateway();
  });
  afterAll(() => gateway?.close());

  it('a demoted admin can neither read platform usage nor promote itself back with its old token', async () => {
    const admin = await login(gateway.url, ADMIN.email, ADMIN.password);
    const mallory = await userOfTier(gateway.url, 'mallory@standing.test', 'admin', ADMIN);
    expect((await graphql(gateway.url, PLATFORM_USAGE, {}, mallory)).errors).toBeUndefined();

    const demoted = await graphql(gateway.url, SET_TIER, { id: mallory.userId, tier: 'free' }, admin);
    expect(demoted.data?.setUserTier.tier).toBe('free');

    const usage = await graphql(gateway.url, PLATFORM_USAGE, {}, mallory);
    expect(usage.status).toBe(401);
    expect(firstErrorCode(usage)).toBe('AUTHENTICATION_REQUIRED');
    expect(usage.errors?.[0]?.message).toContain('sign in again');
    const selfPromotion = await graphql(gateway.url, SET_TIER, { id: mallory.userId, tier: 'admin' }, mallory);
    expect(selfPromotion.status).toBe(401);
    const me = await graphql(gateway.url, '{ me { tier } }', {}, await login(gateway.url, 'mallory@standing.test', 'correct horse battery'));
    expect(me.data?.me.tier).toBe('free');
  });

  it('a promotion also retires the tokens issued before it (sign in again for the new tier)', async () => {
    const user = await registerAndLogin(gateway.url, 'promoted@standing.test');
    expect((await graphql(gateway.url, '{ me { id } }', {}, user)).status).toBe(200);
    await graphql(gateway.url, SET_TIER, { id: user.userId, tier: 'pro' }, await login(gateway.url, ADMIN.email, ADMIN.password));
    expect((await graphql(gateway.url, '{ me { id } }', {}, user)).status).toBe(401);
  });

  it("refuses a validly signed token whose subject is no account of ours (another issuer's, not a UUID), and still records the call", async () => {
    const signer = await accessTokens(testConfig().jwt);
    const token = (await signer.issue({ userId: 'auth0|5f7c8ec7c33c6c004bbafe82', tier: 'free', scopes: [] })).token;
    const refused = await graphql(gateway.url, '{ __typename }', {}, { token });
    expect(refused.status).toBe(401);
    expect(firstErrorCode(refused)).toBe('AUTHENTICATION_REQUIRED');
    expect(refused.errors?.[0]?.message).toContain('no longer exists');
    const dropped = gateway.usage.dropped();
    await gateway.usage.flush();
    expect(gateway.usage.buffered()).toBe(0);
    expect(gateway.usage.dropped()).toBe(dropped);
  });
});

const redisUrl = process.env['REDIS_URL'];

// Two `npm start` processes on one Postgres and Redis: the change made through one reaches the other's edge.
describe.runIf(postgresAvailable && redisUrl)('a tier change binds existing tokens on every replica', () => {
  let database: TestDatabase;
  const gateways: StartedProcess[] = [];
  const urls: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    // One after the other: the first applies the migrations.
    for (let replica = 0; replica < 2; replica += 1) {
      const started = await startGatewayProcess({ DATABASE_URL: database.url, REDIS_URL: redisUrl ?? '', RATE_LIMITS: 'free=1000/10000',
        // A deletion made outside the API publishes no event: the cached standing lapses after this.
        API_KEY_CACHE_TTL_MS: '500' });
      gateways.push(started.process);
      urls.push(started.url);
    }
  }, 150_000);
  const deleteUser = async (id: string) => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query('DELETE FROM users WHERE id = $1', [id]);
    } finally {
      await client.end();
    }
  };
  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.stop()));
    await database?.drop();
  });

  it('demoting through replica 1 refuses the old admin token on replica 2, whose cache had seen it, and ends its socket', async () => {
    const [first, second] = urls as [string, string];
    const mallory = await userOfTier(first, 'mallory@replicas-standing.test', 'admin', ADMIN);
    expect((await graphql(second, PLATFORM_USAGE, {}, mallory)).errors).toBeUndefined();
    const socket = connectSubscriber(second, { token: mallory.token });
    socket.subscribe('subscription { apiKeyChanged { kind } }');

    await graphql(first, SET_TIER, { id: mallory.userId, tier: 'free' }, await login(first, ADMIN.email, ADMIN.password));

    expect(await refusedSoon(() => graphql(second, PLATFORM_USAGE, {}, mallory))).toBe(401);
    expect((await graphql(second, SET_TIER, { id: mallory.userId, tier: 'admin' }, mallory)).status).toBe(401);
    expect((await graphql(first, SET_TIER, { id: mallory.userId, tier: 'admin' }, mallory)).status).toBe(401);
    expect((await socket.closed).code).toBe(4401);
  });

  it('a deleted account\'s token is refused on both replicas once the cached standing lapses', async () => {
    const [first, second] = urls as [string, string];
    const gone = await registerAndLogin(first, 'gone@replicas-standing.test');
    expect((await graphql(second, '{ apiKeys { id } }', {}, gone)).status).toBe(200);
    await deleteUser(gone.userId);
    for (const url of [first, second]) expect(await refusedSoon(() => graphql(url, '{ apiKeys { id } }', {}, gone))).toBe(401);
  });
});
