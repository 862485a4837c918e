// Issue 14, item 1: a write that committed is answered as success although the
// event bus (Redis) is down, and the events other replicas must hear are queued
// with the change, so both replicas converge within seconds once Redis is back.
// Redis here is a throwaway redis-server of this test's own: it is killed.
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { createApiKey, login, registerAndLogin } from '../support/account-flows.ts';
import { ADMIN, startTestGateway } from '../support/gateway-harness.ts';
import { graphql } from '../support/graphql-client.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.ts';
import { freePort } from '../support/processes.ts';
import { killRedis, REDIS_SERVER, startRedis } from '../support/redis-server.ts';

/** What the README promises: every replica hears a queued event this soon after Redis returns. */
const CONVERGENCE_MS = 10_000;

async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`not converged within ${timeoutMs} ms`);
    await sleep(100);
  }
  return Date.now() - started;
}

describe.runIf(postgresAvailable && existsSync(REDIS_SERVER))('committed writes through a Redis outage, two replicas', () => {
  let database: TestDatabase;
  let redisPort: number;
  let redis: ChildProcess;
  let a: RunningGateway;
  let b: RunningGateway;

  beforeAll(async () => {
    database = await createTestDatabase();
    redisPort = await freePort();
    redis = await startRedis(redisPort);
    // A long key cache, so B can only drop a revoked key by hearing the event.
    const env = { DATABASE_URL: database.url, REDIS_URL: `redis://127.0.0.1:${redisPort}`, API_KEY_CACHE_TTL_MS: '600000' };
    a = await startTestGateway(env);
    b = await startTestGateway(env);
  }, 60_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    if (redis) await killRedis(redis);
    await database?.drop();
  }, 30_000);

  it('answers success for createApiKey, revokeApiKey, logout and setUserTier while Redis is down; B converges after it returns', async () => {
    const admin = await login(a.url, ADMIN.email, ADMIN.password);
    const user = await registerAndLogin(a.url, 'outage-user@example.test');
    const doomed = await createApiKey(a.url, admin.token, { name: 'to revoke' });
    const session = await login(a.url, ADMIN.email, ADMIN.password);
    // B has the key and the session cached.
    expect((await graphql(b.url, '{ me { id } }', {}, { apiKey: doomed.apiKey })).status).toBe(200);
    expect((await graphql(b.url, '{ me { id } }', {}, { token: session.token })).status).toBe(200);

    await killRedis(redis);

    const created = await graphql(a.url, 'mutation { createApiKey(input: { name: "made during the outage" }) { apiKey key { id } } }', {}, { token: admin.token });
    expect(created.errors).toBeUndefined();
    expect(created.data?.createApiKey.apiKey).toMatch(/^100x_/);

    const revoked = await graphql(a.url, 'mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', { id: doomed.id }, { token: admin.token });
    expect(revoked.errors).toBeUndefined();
    expect(revoked.data?.revokeApiKey.revokedAt).toBeTruthy();

    const loggedOut = await graphql(a.url, 'mutation { logout }', {}, { token: session.token });
    expect(loggedOut.errors).toBeUndefined();
    expect(loggedOut.data?.logout).toBe(true);

    const promoted = await graphql(a.url, 'mutation($id: ID!) { setUserTier(userId: $id, tier: pro) { tier } }', { id: user.userId }, { token: admin.token });
    expect(promoted.errors).toBeUndefined();
    expect(promoted.data?.setUserTier.tier).toBe('pro');

    // Both replicas learn only through the bus, A included: the events were queued, not lost.
    redis = await startRedis(redisPort);
    const keyMs = await eventually(async () => (await graphql(b.url, '{ me { id } }', {}, { apiKey: doomed.apiKey })).status === 401, CONVERGENCE_MS);
    const tokenMs = await eventually(async () => (await graphql(b.url, '{ me { id } }', {}, { token: session.token })).status === 401, CONVERGENCE_MS);
    expect(keyMs).toBeLessThan(CONVERGENCE_MS);
    expect(tokenMs).toBeLessThan(CONVERGENCE_MS);
    // A converges too.
    await eventually(async () => (await graphql(a.url, '{ me { id } }', {}, { apiKey: doomed.apiKey })).status === 401, CONVERGENCE_MS);
  }, 60_000);
});
