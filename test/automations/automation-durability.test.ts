import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../prisma/database.ts';
import { createApiKey, registerAndLogin } from '../support/account-flows.ts';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.ts';
import { eventually, startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';
import { createEndpoint } from '../webhooks/webhook-flows.ts';
import { createdAutomation } from './automation-flows.ts';

describe.runIf(postgresAvailable)('automation runs survive a gateway killed mid-action (real Postgres, gateway processes)', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let receiver: WebhookReceiver;
  const gateways: GatewayProcess[] = [];

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    database = await openDatabase({ kind: 'postgres', url: testDatabase.url });
  });
  afterAll(async () => {
    await Promise.all(gateways.splice(0).map((gateway) => gateway.process.stop('SIGKILL')));
    await receiver?.close();
    await database?.close();
    await testDatabase?.drop();
  });

  it('a run in flight when its gateway is SIGKILLed is taken over after its lease, and succeeds once, with the same webhook-id', async () => {
    // The first request is held until after the kill; every later one is answered at once.
    receiver = await startWebhookReceiver((_request, index) => (index === 0 ? { status: 200, delayMs: 30_000 } : { status: 200 }));
    // A short attempt deadline keeps the lease (deadline + 5 s) short, so the restarted gateway picks the run up soon.
    const env = {
      DATABASE_URL: testDatabase.url,
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'loopback',
      AUTOMATION_POLL_INTERVAL_MS: '50',
      AUTOMATION_TIMEOUT_MS: '6000',
      WEBHOOK_TIMEOUT_MS: '6000',
    };
    const first = await startGatewayProcess(env);
    gateways.push(first);
    const owner = await registerAndLogin(first.url, 'crash-owner@example.test');
    const endpoint = await createEndpoint(first.url, { token: owner.token }, { url: receiver.url, eventTypes: ['webhook.test'] });
    const id = await createdAutomation(first.url, { token: owner.token }, { name: 'survivor', trigger: { eventType: 'api_key.created' }, action: { webhookEndpointId: endpoint.id } });
    await createApiKey(first.url, owner.token, { name: 'during the crash' });
    await receiver.waitFor(1);
    await first.process.stop('SIGKILL');

    // Claimed and leased by the dead process: nobody else takes it before the lease lapses.
    const claimed = await database.prisma.automationRun.findFirstOrThrow({ where: { automationId: id } });
    expect(claimed).toMatchObject({ status: 'pending', attemptCount: 1 });
    expect(claimed.claimToken).not.toBeNull();

    const second = await startGatewayProcess({ ...env, AUTOMATION_TIMEOUT_MS: '1000' });
    gateways.push(second);
    const done = await eventually(async () => {
      const run = await database.prisma.automationRun.findFirstOrThrow({ where: { automationId: id }, include: { attempts: true } });
      return run.status === 'pending' ? undefined : run;
    }, 60_000);
    expect(done).toMatchObject({ status: 'succeeded', attemptCount: 2, claimToken: null });
    // The killed attempt left no record; the one that finished did.
    expect(done.attempts.map((attempt) => [attempt.attemptNumber, attempt.succeeded])).toEqual([[2, true]]);
    expect(receiver.received.map((request) => request.headers['webhook-id'])).toEqual([`auto_${done.id}`, `auto_${done.id}`]);
    expect(new Set(receiver.received.map((request) => request.body)).size).toBe(1);
  }, 120_000);
});
