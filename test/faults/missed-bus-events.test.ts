// Redis pub/sub keeps nothing: an event published while a replica's subscriber
// connection is away is gone for that replica, even though the publisher was told
// it went out. The CI run of 2026-12-01 lost exactly that race after a Redis
// restart (the outbox relay republished before replica B had subscribed again).
// Here the race is made certain: B's subscriber is cut off and kept off by a
// password only new connections need, while A's publishing connection stays in.
// Redis is a throwaway redis-server of this test's own.
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { createApiKey, login } from '../support/account-flows.ts';
import { ADMIN, startTestGateway } from '../support/gateway-harness.ts';
import { graphql } from '../support/graphql-client.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.ts';
import { freePort } from '../support/processes.ts';
import { killRedis, REDIS_SERVER, startRedis } from '../support/redis-server.ts';
import { connectSubscriber, openSubscriptions, subscriptionsRegistered, type TestSubscriber } from '../support/subscription-client.ts';

const CHANNEL = 'platform:events';

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(100);
  }
}

describe.runIf(postgresAvailable && existsSync(REDIS_SERVER))('events published while a replica was not subscribed', () => {
  let database: TestDatabase;
  let redis: ChildProcess;
  let operator: Redis;
  let a: RunningGateway;
  let b: RunningGateway;
  let subscriber: TestSubscriber | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    const port = await freePort();
    redis = await startRedis(port);
    operator = new Redis(`redis://127.0.0.1:${port}`);
    // A long key cache, so B can only drop a revoked key by hearing of it.
    const env = { DATABASE_URL: database.url, REDIS_URL: `redis://127.0.0.1:${port}`, API_KEY_CACHE_TTL_MS: '600000' };
    a = await startTestGateway(env);
    b = await startTestGateway(env);
  }, 60_000);
  afterAll(async () => {
    await subscriber?.dispose();
    await a?.close();
    await b?.close();
    operator?.disconnect();
    if (redis) await killRedis(redis);
    await database?.drop();
  }, 30_000);

  it('a replica that was cut off from the bus reloads revocations, drops cached keys and rechecks live connections once it is back', async () => {
    const admin = await login(a.url, ADMIN.email, ADMIN.password);
    const doomed = await createApiKey(a.url, admin.token, { name: 'revoked while B is away' });
    const session = await login(a.url, ADMIN.email, ADMIN.password);
    expect((await graphql(b.url, '{ me { id } }', {}, { apiKey: doomed.apiKey })).status).toBe(200);
    expect((await graphql(b.url, '{ me { id } }', {}, { token: session.token })).status).toBe(200);
    // A live subscription on B, held by the token about to be logged out.
    const before = await openSubscriptions(b.url);
    subscriber = connectSubscriber(b.url, { token: session.token });
    subscriber.subscribe('subscription { apiKeyChanged { kind } }');
    await subscriptionsRegistered(b.url, before + 1);

    // Connections already in keep working; the subscribers (A's and B's) are cut and cannot come back.
    await operator.config('SET', 'requirepass', 'kept-out');
    await operator.client('KILL', 'TYPE', 'pubsub');
    await until(async () => ((await operator.pubsub('NUMSUB', CHANNEL)) as [string, number])[1] === 0, 5_000, 'subscribers gone');

    const revoked = await graphql(a.url, 'mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', { id: doomed.id }, { token: admin.token });
    expect(revoked.errors).toBeUndefined();
    const loggedOut = await graphql(a.url, 'mutation { logout }', {}, { token: session.token });
    expect(loggedOut.errors).toBeUndefined();
    // Nobody heard those two events; the publisher was nonetheless told they went out.

    await operator.config('SET', 'requirepass', '');
    await until(async () => ((await operator.pubsub('NUMSUB', CHANNEL)) as [string, number])[1] >= 2, 15_000, 'subscribers back');

    await until(async () => (await graphql(b.url, '{ me { id } }', {}, { apiKey: doomed.apiKey })).status === 401, 5_000, 'B refuses the revoked key');
    await until(async () => (await graphql(b.url, '{ me { id } }', {}, { token: session.token })).status === 401, 5_000, 'B refuses the logged-out token');
    await until(async () => (await graphql(a.url, '{ me { id } }', {}, { apiKey: doomed.apiKey })).status === 401, 5_000, 'A refuses the revoked key');
    expect(await subscriber.closed).toEqual({ code: 4401, reason: 'Token revoked' });
  }, 60_000);
});
