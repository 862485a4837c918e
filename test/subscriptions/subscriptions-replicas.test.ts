import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, login, registerAndLogin } from '../support/account-flows.ts';
import { ADMIN } from '../support/gateway-harness.ts';
import { graphql } from '../support/graphql-client.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.ts';
import type { StartedProcess } from '../support/processes.ts';
import { startGatewayProcess } from '../support/gateway-process.ts';
import { connectSubscriber, openSubscriptions, subscriptionsRegistered, type TestSubscriber } from '../support/subscription-client.ts';

const redisUrl = process.env['REDIS_URL'];
const KEY_EVENTS = 'subscription { apiKeyChanged { kind keyId key { name owner { email } } } }';

// Two `npm start` processes sharing Postgres and Redis: events cross replicas on Redis pub/sub.
describe.runIf(postgresAvailable && redisUrl)('subscriptions across two gateway processes sharing Redis', () => {
  let database: TestDatabase;
  const gateways: StartedProcess[] = [];
  const urls: string[] = [];
  const subscribers: TestSubscriber[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    // One after the other: the first applies the migrations.
    for (let replica = 0; replica < 2; replica += 1) {
      const started = await startGatewayProcess({ DATABASE_URL: database.url, REDIS_URL: redisUrl ?? '', RATE_LIMITS: 'free=1000/10000' });
      gateways.push(started.process);
      urls.push(started.url);
    }
  }, 150_000);

  afterAll(async () => {
    await Promise.all(subscribers.map((subscriber) => subscriber.dispose().catch(() => undefined)));
    await Promise.all(gateways.map((gateway) => gateway.stop()));
    await database?.drop();
  });

  it('an event published through replica 1 reaches subscribers on both replicas, with cross-subgraph fields', async () => {
    const [first, second] = urls as [string, string];
    const alice = await registerAndLogin(first, 'alice@replicas.test');
    const admin = await login(second, ADMIN.email, ADMIN.password);
    const connect = (url: string, params: Record<string, unknown>) => {
      const subscriber = connectSubscriber(url, params);
      subscribers.push(subscriber);
      return subscriber;
    };
    const [firstBefore, secondBefore] = [await openSubscriptions(first), await openSubscriptions(second)];
    const onFirst = connect(first, { token: alice.token }).subscribe(KEY_EVENTS);
    const onSecond = connect(second, { token: alice.token }).subscribe(KEY_EVENTS);
    const adminOnSecond = connect(second, { token: admin.token }).subscribe(KEY_EVENTS);
    await subscriptionsRegistered(first, firstBefore + 1);
    await subscriptionsRegistered(second, secondBefore + 2);

    const key = await createApiKey(first, alice.token, { name: 'made on replica 1' });
    const expected = { kind: 'created', keyId: key.id, key: { name: 'made on replica 1', owner: { email: 'alice@replicas.test' } } };
    for (const subscription of [onFirst, onSecond, adminOnSecond]) {
      const [event] = await subscription.received(1, 20_000);
      expect(event!.data!['apiKeyChanged']).toEqual(expected);
    }
  });

  it('revoking a key on replica 1 ends its subscription on replica 2 with 4401', async () => {
    const [first, second] = urls as [string, string];
    const bob = await registerAndLogin(first, 'bob@replicas.test');
    const { apiKey, id } = await createApiKey(first, bob.token, { name: 'short-lived' });
    const before = await openSubscriptions(second);
    const subscriber = connectSubscriber(second, { apiKey });
    subscribers.push(subscriber);
    subscriber.subscribe(KEY_EVENTS);
    await subscriptionsRegistered(second, before + 1);
    const revoked = await graphql(first, 'mutation($id: ID!) { revokeApiKey(id: $id) { status } }', { id }, { token: bob.token });
    expect(revoked.errors).toBeUndefined();
    expect(await subscriber.closed).toEqual({ code: 4401, reason: 'API key revoked' });
  });
});
