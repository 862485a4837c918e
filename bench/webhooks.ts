/**
 * Webhook delivery throughput: `npm run bench:webhooks`. Queues N test events for
 * one endpoint in the outbox, starts the delivery worker the gateway runs, and
 * times until every delivery is recorded as succeeded by a local receiver that
 * answers 200 at once. On PGlite in memory, and on Postgres when DATABASE_URL is
 * set (in a database the bench creates and drops). Bounded; stops what it starts.
 * Beside the rate it reports this process's CPU time and SQL round trips per
 * delivery, which a busy shared machine distorts far less than the rate.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
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
/** `pglite`, `postgres` or both (comma separated); Postgres runs only when DATABASE_URL is set. */
const DATABASES = (process.env['BENCH_WEBHOOK_DATABASES'] ?? 'pglite,postgres').split(',');
/** A folder: the delivery phase alone is CPU-profiled into `<folder>/webhooks-<database>.cpuprofile`. */
const PROFILE_DIR = process.env['BENCH_WEBHOOK_CPU_PROFILE'];

/**
 * Every statement either driver sends, counted where the Prisma adapters hand it
 * over (pg's `Client#query`, PGlite's `query`/`exec`), so a transaction's BEGIN
 * and COMMIT count too. Patched on the prototypes because the adapters own the
 * client objects; a bench-only probe.
 */
let statements = 0;
/** BENCH_WEBHOOK_SQL_TIMES=1: count and wall time per statement kind (its first 60 characters), printed at the end. */
const SQL_TIMES = process.env['BENCH_WEBHOOK_SQL_TIMES'] === '1';
const sqlTimes = new Map<string, [number, number]>();
for (const prototype of [pg.Client.prototype, PGlite.prototype] as unknown as Array<Record<'query' | 'exec', (...args: unknown[]) => unknown>>) {
  for (const method of ['query', 'exec'] as const) {
    const original = prototype[method];
    if (typeof original !== 'function') continue;
    prototype[method] = function (this: unknown, ...args: unknown[]) {
      statements += 1;
      const result = original.apply(this, args);
      if (SQL_TIMES && result instanceof Promise) {
        const text = typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: string } | undefined)?.text);
        const kind = text.replace(/\s+/g, ' ').trim().slice(0, 60);
        const t0 = performance.now();
        void result.finally(() => sqlTimes.set(kind, [(sqlTimes.get(kind)?.[0] ?? 0) + 1, (sqlTimes.get(kind)?.[1] ?? 0) + performance.now() - t0]));
      }
      return result;
    };
  }
}

interface Row {
  readonly database: string;
  readonly deliveries: number;
  readonly enqueuePerSecond: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** User + system CPU of this process (worker, receiver, and PGlite when embedded). */
  readonly cpuMicrosPerDelivery: number;
  readonly statementsPerDelivery: number;
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

/** Starts V8's sampling profiler; the returned function stops it and writes the profile. */
async function profileInto(file: string): Promise<() => Promise<void>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
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
    const stopProfile = PROFILE_DIR ? await profileInto(`${PROFILE_DIR}/webhooks-${config.kind}.cpuprofile`) : undefined;
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const statementsBefore = statements;
    let polls = 0;
    const worker = startWebhookDelivery(settings, { prisma, events, webhookTargets: targetGuard(['loopback']) }, createLogger('warn'));
    try {
      for (;;) {
        polls += 1;
        const done = await prisma.webhookDelivery.count({ where: { status: 'succeeded' } });
        if (done >= EVENTS) break;
        if (performance.now() - started > LIMIT_MS) throw new Error(`${label}: only ${done} of ${EVENTS} delivered within ${LIMIT_MS} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await worker.stop();
    }
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    await stopProfile?.();
    return {
      database: label,
      deliveries: EVENTS,
      enqueuePerSecond: EVENTS / enqueueSeconds,
      seconds,
      perSecond: EVENTS / seconds,
      cpuMicrosPerDelivery: (cpu.user + cpu.system) / EVENTS,
      // The bench's own progress polls are one statement each.
      statementsPerDelivery: (statements - statementsBefore - polls) / EVENTS,
    };
  } finally {
    await events.close();
    await target.close();
    await database.close();
  }
}

const rows: Row[] = [];
if (DATABASES.includes('pglite')) rows.push(await measure('PGlite (in memory)', { kind: 'pglite', dataDir: 'memory://' }));
if (postgresAvailable && DATABASES.includes('postgres')) {
  const database = await createTestDatabase();
  try {
    rows.push(await measure('Postgres (DATABASE_URL)', { kind: 'postgres', url: database.url }));
  } finally {
    await database.drop();
  }
}

console.log(`${EVENTS} deliveries, ${CONCURRENCY} in flight, receiver on loopback answering 200 at once`);
console.log('| database | deliveries | queued/s (outbox) | seconds | deliveries/s | CPU µs per delivery | SQL statements per delivery |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
const format = (value: number) => Math.round(value).toLocaleString('en-US');
for (const row of rows) {
  console.log(`| ${row.database} | ${format(row.deliveries)} | ${format(row.enqueuePerSecond)} | ${row.seconds.toFixed(2)} | ${format(row.perSecond)} | ${format(row.cpuMicrosPerDelivery)} | ${row.statementsPerDelivery.toFixed(2)} |`);
}
if (SQL_TIMES) {
  console.log('| statement | count | mean ms |\n|---|---:|---:|');
  for (const [kind, [count, ms]] of [...sqlTimes].sort((a, b) => b[1][1] - a[1][1]).slice(0, 12)) console.log(`| \`${kind}\` | ${count} | ${(ms / count).toFixed(2)} |`);
}
