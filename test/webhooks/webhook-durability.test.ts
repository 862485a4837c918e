import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { platformEvent } from '../../core/events/event-bus.ts';
import { openDatabase, type Database } from '../../prisma/database.ts';
import { recordWebhookEvent } from '../../subgraphs/webhooks/outbox.ts';
import { registerAndLogin } from '../support/account-flows.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.ts';
import { eventually, startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.ts';
import { createEndpoint } from './webhook-flows.ts';

const WORKER_ENV = {
  WEBHOOK_ALLOW_PRIVATE_TARGETS: 'loopback',
  WEBHOOK_POLL_INTERVAL_MS: '50',
  WEBHOOK_RETRY_SCHEDULE: '0,100ms,200ms,500ms,1s',
  WEBHOOK_CONCURRENCY: '10',
};

/** Queues `count` test events for one endpoint straight into the outbox, in transactions of 50. */
async function storm(database: Database, ownerId: string, endpointId: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < count; start += 50) {
    await database.prisma.$transaction(async (tx) => {
      for (let i = start; i < Math.min(count, start + 50); i += 1) {
        const event = platformEvent('webhook.test', ownerId, { endpointId, message: `storm ${i}` });
        await recordWebhookEvent(tx, event, { endpointId });
        ids.push(event.id);
      }
    });
  }
  return ids;
}

const countBy = (values: readonly string[]) => {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
};

describe.runIf(postgresAvailable)('webhook durability on real Postgres (gateway processes)', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let receiver: WebhookReceiver;
  const gateways: GatewayProcess[] = [];

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    database = await openDatabase({ kind: 'postgres', url: testDatabase.url });
  });
  afterEach(async () => {
    await Promise.all(gateways.splice(0).map((gateway) => gateway.process.stop('SIGKILL')));
    await receiver?.close();
  });
  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
  });

  it('loses nothing when a gateway is killed with SIGKILL mid-storm; repeats share their webhook-id', async () => {
    // 10 in flight answered after 100 ms: about 100 deliveries/s, so the storm lasts seconds.
    receiver = await startWebhookReceiver(() => ({ status: 200, delayMs: 100 }));
    // A short timeout keeps the claim lease (timeout + 5 s) short, so the restart picks up the orphans soon.
    const env = { ...WORKER_ENV, DATABASE_URL: testDatabase.url, WEBHOOK_TIMEOUT_MS: '1000' };
    const first = await startGatewayProcess(env);
    gateways.push(first);
    const owner = await registerAndLogin(first.url, 'storm@example.test');
    const endpoint = await createEndpoint(first.url, { token: owner.token }, { url: receiver.url, eventTypes: ['webhook.test'] });

    const queued = await storm(database, owner.userId, endpoint.id, 400);
    await receiver.waitFor(50);
    const atKill = receiver.received.length;
    await first.process.stop('SIGKILL');
    expect(atKill).toBeLessThan(400);

    const second = await startGatewayProcess(env);
    gateways.push(second);
    await eventually(async () => {
      const pending = await database.prisma.webhookDelivery.count({ where: { status: { not: 'succeeded' } } });
      return pending === 0 ? true : undefined;
    }, 60_000);

    const received = receiver.received.map((request) => String(request.headers['webhook-id']));
    const counts = countBy(received);
    expect(queued.filter((id) => !counts.has(id))).toEqual([]);
    expect([...counts.keys()].filter((id) => !queued.includes(id))).toEqual([]);
    const bodies = new Map<string, Set<string>>();
    for (const request of receiver.received) {
      const id = String(request.headers['webhook-id']);
      bodies.set(id, (bodies.get(id) ?? new Set()).add(request.body));
    }
    // A repeat is the same message: same webhook-id, same body, so receivers can drop it.
    expect([...bodies.values()].every((set) => set.size === 1)).toBe(true);
    const repeated = [...counts.values()].filter((count) => count > 1).length;
    console.log(`crash test: ${atKill} received before SIGKILL, ${received.length} in all, ${repeated} webhook-ids repeated`);
  }, 120_000);

  it('two gateway processes share one queue and never send one delivery twice at the same time', async () => {
    const inFlightById = new Map<string, number>();
    let inFlight = 0;
    let maxInFlight = 0;
    let overlapping = 0;
    receiver = await startWebhookReceiver((request) => {
      const id = String(request.headers['webhook-id']);
      const now = (inFlightById.get(id) ?? 0) + 1;
      if (now > 1) overlapping += 1;
      inFlightById.set(id, now);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        inFlightById.set(id, (inFlightById.get(id) ?? 1) - 1);
        inFlight -= 1;
      }, 30);
      return { status: 200, delayMs: 30 };
    });
    const env = { ...WORKER_ENV, DATABASE_URL: testDatabase.url, WEBHOOK_TIMEOUT_MS: '10000' };
    const [one, two] = await Promise.all([startGatewayProcess(env), startGatewayProcess(env)]);
    gateways.push(one!, two!);
    const owner = await registerAndLogin(one!.url, 'pair@example.test');
    const endpoint = await createEndpoint(one!.url, { token: owner.token }, { url: receiver.url, eventTypes: ['webhook.test'] });
    const queued = await storm(database, owner.userId, endpoint.id, 400);
    await eventually(async () => {
      const done = await database.prisma.webhookDelivery.count({ where: { endpointId: endpoint.id, status: 'succeeded' } });
      return done === queued.length ? true : undefined;
    }, 60_000);

    expect(overlapping).toBe(0);
    const counts = countBy(receiver.received.map((request) => String(request.headers['webhook-id'])));
    expect(counts.size).toBe(queued.length);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
    // Each process sends at most 10 at once: more than 10 in flight means both were working.
    expect(maxInFlight).toBeGreaterThan(10);
    const attempts = await database.prisma.webhookAttempt.count({ where: { delivery: { endpointId: endpoint.id } } });
    expect(attempts).toBe(queued.length);
  }, 120_000);
});
