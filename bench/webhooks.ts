/**
 * Webhook delivery throughput: `npm run bench:webhooks`. Queues N test events for
 * one endpoint in the outbox, starts the delivery worker the gateway runs, and
 * times until every delivery is recorded as succeeded by a local receiver that
 * answers 200 at once. On PGlite in memory, and on Postgres when DATABASE_URL is
 * set (in a database the bench creates and drops). Bounded; stops what it starts.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhooksConfig } from '../subgraphs/webhooks/delivery/start-delivery.ts';
import { platformEvent } from '../core/events/event-bus.ts';
import { memoryEventBus } from '../core/events/memory-event-bus.ts';
import { createLogger } from '../core/logger.ts';
import { openDatabase, type DatabaseConfig } from '../prisma/database.ts';
import { startWebhookDelivery } from '../subgraphs/webhooks/delivery/start-delivery.ts';
import { targetGuard } from '../subgraphs/webhooks/delivery/target-guard.ts';
import { recordWebhookEvent } from '../subgraphs/webhooks/outbox.ts';
import { generateWebhookSecret } from '../subgraphs/webhooks/secret.ts';
import { createTestDatabase, postgresAvailable } from '../test/support/postgres.ts';

const EVENTS = Number(process.env['BENCH_WEBHOOK_EVENTS'] ?? 5_000);
const CONCURRENCY = Number(process.env['BENCH_WEBHOOK_CONCURRENCY'] ?? 50);
const LIMIT_MS = 120_000;

interface Row {
  readonly database: string;
  readonly deliveries: number;
  readonly enqueuePerSecond: number;
  readonly seconds: number;
  readonly perSecond: number;
}

async function receiver(): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      hits += 1;
      response.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    hits: () => hits,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

async function measure(label: string, config: DatabaseConfig): Promise<Row> {
  const database = await openDatabase(config);
  const target = await receiver();
  const events = memoryEventBus();
  try {
    const { prisma } = database;
    const user = await prisma.user.create({ data: { email: `bench-${Date.now()}@example.test`, passwordHash: 'x' } });
    const endpoint = await prisma.webhookEndpoint.create({
      data: { ownerId: user.id, url: target.url, eventTypes: ['webhook.test'], secret: generateWebhookSecret() },
    });
    const enqueueStarted = performance.now();
    for (let start = 0; start < EVENTS; start += 500) {
      await prisma.$transaction(async (tx) => {
        for (let i = start; i < Math.min(EVENTS, start + 500); i += 1) {
          await recordWebhookEvent(tx, platformEvent('webhook.test', user.id, { endpointId: endpoint.id, message: `bench ${i}` }), { endpointId: endpoint.id });
        }
      }, { timeout: 60_000 });
    }
    const enqueueSeconds = (performance.now() - enqueueStarted) / 1000;

    const settings: WebhooksConfig = {
      workerEnabled: true,
      pollIntervalMs: 20,
      concurrency: CONCURRENCY,
      retrySchedule: [0, 1_000],
      timeoutMs: 5_000,
      disableAfterMs: 86_400_000,
      allowPrivateTargets: ['loopback'],
    };
    const started = performance.now();
    const worker = startWebhookDelivery(settings, { prisma, events, webhookTargets: targetGuard(['loopback']) }, createLogger('warn'));
    try {
      for (;;) {
        const done = await prisma.webhookDelivery.count({ where: { status: 'succeeded' } });
        if (done >= EVENTS) break;
        if (performance.now() - started > LIMIT_MS) throw new Error(`${label}: only ${done} of ${EVENTS} delivered within ${LIMIT_MS} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await worker.stop();
    }
    const seconds = (performance.now() - started) / 1000;
    return { database: label, deliveries: EVENTS, enqueuePerSecond: EVENTS / enqueueSeconds, seconds, perSecond: EVENTS / seconds };
  } finally {
    await events.close();
    await target.close();
    await database.close();
  }
}

const rows: Row[] = [];
rows.push(await measure('PGlite (in memory)', { kind: 'pglite', dataDir: 'memory://' }));
if (postgresAvailable) {
  const database = await createTestDatabase();
  try {
    rows.push(await measure('Postgres (DATABASE_URL)', { kind: 'postgres', url: database.url }));
  } finally {
    await database.drop();
  }
}

console.log(`${EVENTS} deliveries, ${CONCURRENCY} in flight, receiver on loopback answering 200 at once`);
console.log('| database | deliveries | queued/s (outbox) | seconds | deliveries/s |');
console.log('|---|---:|---:|---:|---:|');
const format = (value: number) => Math.round(value).toLocaleString('en-US');
for (const row of rows) {
  console.log(`| ${row.database} | ${format(row.deliveries)} | ${format(row.enqueuePerSecond)} | ${row.seconds.toFixed(2)} | ${format(row.perSecond)} |`);
}
