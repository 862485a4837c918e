/**
 * `npm run bench:subscriptions`: how many graphql-ws subscribers one gateway
 * process holds, how long an event takes to reach all of them, and what each
 * connection costs in memory.
 *
 * Starts its own throwaway Redis (so its events reach no one else's gateway),
 * one gateway process (`npm start`'s entry point, on Postgres when DATABASE_URL
 * is set, else PGlite in a temporary folder), opens N subscriptions to
 * `moduleStatusChanged` as raw graphql-ws clients, then publishes events on the
 * Redis bus and times each delivery from publish to receipt. A second, smaller
 * round selects a field another subgraph resolves per event (`module { name tier }`),
 * which costs one planned query per event for each group of subscribers with the
 * same document, variables and credential (here: one, all share the admin token).
 *
 *   npm run bench:subscriptions -- --subscribers 10000 --events 20 --entity-subscribers 500 --entity-events 5
 *   npm run bench:subscriptions -- --cpu-prof /tmp/profiles   (the gateway's CPU profile, written when it shuts down)
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../test/support/postgres.ts';
import { freePort, GATEWAY_ENTRY, startNodeProcess } from '../test/support/processes.ts';
import { killRedis, startRedis } from '../test/support/redis-server.ts';

const { values: args } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '10000' },
    events: { type: 'string', default: '20' },
    'entity-subscribers': { type: 'string', default: '500' },
    'entity-events': { type: 'string', default: '5' },
    /** A folder: the gateway runs with --cpu-prof and writes its profile there on shutdown. */
    'cpu-prof': { type: 'string' },
  },
});
const SUBSCRIBERS = Number(args.subscribers);
const EVENTS = Number(args.events);
const ENTITY_SUBSCRIBERS = Number(args['entity-subscribers']);
const ENTITY_EVENTS = Number(args['entity-events']);
const ADMIN = { email: 'bench-admin@example.test', password: 'bench-admin-password-1' };
const SECRET = 'bench-secret-0123456789abcdef0123456789abcdef';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function rssMiB(pid: number): number {
  const kib = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return kib / 1024;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
}

async function startGateway(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const started = await startNodeProcess({
    entry: GATEWAY_ENTRY,
    env: { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    ready: /Gateway ready/,
    timeoutMs: 90_000,
    ...(args['cpu-prof'] ? { nodeFlags: ['--cpu-prof', '--cpu-prof-dir', args['cpu-prof']] } : {}),
  });
  return { child: started.child, url: `http://127.0.0.1:${port}` };
}

interface Subscriber {
  readonly socket: WebSocket;
  onEvent: (eventId: string) => void;
}

/** A bare graphql-transport-ws client: init, ack, one subscription. */
function subscribe(wsUrl: string, token: string, query: string): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
    const subscriber: Subscriber = { socket, onEvent: () => undefined };
    socket.once('error', reject);
    socket.once('close', (code, reason) => reject(new Error(`closed ${code} ${String(reason)}`)));
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { token } })));
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; payload?: { data?: { moduleStatusChanged?: { eventId: string } }; errors?: unknown } };
      if (message.type === 'connection_ack') {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
        // The subscription is registered when the server has handled this message; a ping round trip proves it.
        socket.send(JSON.stringify({ type: 'ping' }));
      } else if (message.type === 'pong') {
        resolve(subscriber);
      } else if (message.type === 'next') {
        if (message.payload?.errors) console.error('event with errors', JSON.stringify(message.payload.errors));
        const eventId = message.payload?.data?.moduleStatusChanged?.eventId;
        if (eventId) subscriber.onEvent(eventId);
      }
    });
  });
}

async function openSubscribers(wsUrl: string, token: string, query: string, count: number): Promise<Subscriber[]> {
  const subscribers: Subscriber[] = [];
  for (let start = 0; start < count; start += 250) {
    subscribers.push(...(await Promise.all(Array.from({ length: Math.min(250, count - start) }, () => subscribe(wsUrl, token, query)))));
  }
  return subscribers;
}

interface Round {
  readonly name: string;
  readonly subscribers: number;
  readonly events: number;
  readonly latenciesMs: number[];
  readonly lastDeliveryMs: number[];
}

async function fanOut(name: string, publisher: Redis, subscribers: Subscriber[], events: number): Promise<Round> {
  const latenciesMs: number[] = [];
  const lastDeliveryMs: number[] = [];
  for (let index = 0; index < events; index += 1) {
    const eventId = `evt_bench_${name.length}_${index}_${Date.now()}`;
    let delivered = 0;
    const publishedAt = performance.now();
    let last = 0;
    const all = new Promise<void>((resolve) => {
      for (const subscriber of subscribers) {
        subscriber.onEvent = (received) => {
          if (received !== eventId) return;
          last = performance.now() - publishedAt;
          latenciesMs.push(last);
          delivered += 1;
          if (delivered === subscribers.length) resolve();
        };
      }
    });
    await publisher.publish(
      'platform:events',
      JSON.stringify({ id: eventId, type: 'module.status_changed', ownerId: null, occurredAt: new Date().toISOString(), payload: { slug: 'code-sandbox', status: index % 2 ? 'up' : 'down', previous: index % 2 ? 'down' : 'up' } }),
    );
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([all.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), 120_000)))]);
    clearTimeout(timer);
    if (timedOut) throw new Error(`${name}: event ${index} reached ${delivered}/${subscribers.length} subscribers in 120 s`);
    lastDeliveryMs.push(last);
    await sleep(500);
  }
  return { name, subscribers: subscribers.length, events, latenciesMs: latenciesMs.sort((a, b) => a - b), lastDeliveryMs: lastDeliveryMs.sort((a, b) => a - b) };
}

const redisPort = await freePort();
const redis = await startRedis(redisPort);
const dataDir = mkdtempSync(join(tmpdir(), 'bench-subscriptions-'));
let database: TestDatabase | undefined;
let gateway: ChildProcess | undefined;
const publisher = new Redis(`redis://127.0.0.1:${redisPort}`);
try {
  database = postgresAvailable ? await createTestDatabase() : undefined;
  const started = await startGateway({
    NODE_ENV: 'test',
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    ...(database ? { DATABASE_URL: database.url } : { PGLITE_DATA_DIR: join(dataDir, 'pg') }),
    JWT_SECRET: SECRET,
    INTERNAL_TOKEN_SECRET: SECRET,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    RATE_LIMITS: 'admin=1000000/10000000',
    SUBSCRIPTION_MAX_CONNECTIONS_PER_PRINCIPAL: String(SUBSCRIBERS + ENTITY_SUBSCRIBERS + 10),
  });
  gateway = started.child;
  const login = await fetch(`${started.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'mutation($input: LoginInput!) { login(input: $input) { accessToken } }', variables: { input: ADMIN } }),
  }).then((response) => response.json() as Promise<{ data: { login: { accessToken: string } } }>);
  const token = login.data.login.accessToken;
  const wsUrl = `${started.url.replace('http', 'ws')}/graphql`;
  const pid = gateway.pid ?? 0;

  // Warm the subscription path, then take the baseline.
  const warm = await openSubscribers(wsUrl, token, 'subscription { moduleStatusChanged { eventId slug } }', 10);
  await fanOut('warm-up', publisher, warm, 2);
  for (const subscriber of warm) subscriber.socket.close();
  await sleep(3000);
  const baseline = rssMiB(pid);

  const openedAt = performance.now();
  const subscribers = await openSubscribers(wsUrl, token, 'subscription { moduleStatusChanged { eventId slug status previous occurredAt } }', SUBSCRIBERS);
  const openSeconds = (performance.now() - openedAt) / 1000;
  await sleep(3000);
  const loaded = rssMiB(pid);
  const plain = await fanOut('event fields only', publisher, subscribers, EVENTS);
  for (const subscriber of subscribers) subscriber.socket.terminate();
  await sleep(2000);

  const entitySubscribers = await openSubscribers(wsUrl, token, 'subscription { moduleStatusChanged { eventId status module { name tier category } } }', ENTITY_SUBSCRIBERS);
  const entity = await fanOut('with module { name tier category } planned per event', publisher, entitySubscribers, ENTITY_EVENTS);
  for (const subscriber of entitySubscribers) subscriber.socket.terminate();

  console.log(`\n${SUBSCRIBERS} subscriptions opened in ${openSeconds.toFixed(1)} s; gateway RSS ${baseline.toFixed(0)} MiB before, ${loaded.toFixed(0)} MiB with them open: ${(((loaded - baseline) * 1024) / SUBSCRIBERS).toFixed(1)} KiB per connection\n`);
  console.log('| round | subscribers | events | deliveries | p50 (ms) | p99 (ms) | last delivery p50 (ms) | last delivery max (ms) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const round of [plain, entity]) {
    console.log(
      `| ${round.name} | ${round.subscribers} | ${round.events} | ${round.latenciesMs.length} | ${percentile(round.latenciesMs, 50).toFixed(1)} | ${percentile(round.latenciesMs, 99).toFixed(1)} | ${percentile(round.lastDeliveryMs, 50).toFixed(1)} | ${(round.lastDeliveryMs.at(-1) ?? NaN).toFixed(1)} |`,
    );
  }
} finally {
  if (gateway && gateway.exitCode === null) {
    gateway.kill('SIGTERM');
    await new Promise((resolve) => gateway?.once('exit', resolve));
  }
  publisher.disconnect();
  await killRedis(redis);
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
}
