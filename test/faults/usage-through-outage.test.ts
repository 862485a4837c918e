// Usage records around a database outage, under a bounded load: Postgres stopped
// and started, killed as in a crash, frozen (SIGSTOP) and thawed while the gateway
// serves, and stopped or frozen when it shuts down. Every request answered 2xx must
// have its usage record, or be counted as dropped (gateway_usage_dropped_records
// while the gateway runs, the shutdown's log line after it has gone):
// records + dropped >= 2xx answered, never fewer.
// Postgres here is a cluster of this test's own; the shared one is never touched.
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger.ts';
import { startGateway, type RunningGateway } from '../../gateway/app/start-gateway.ts';
import { login, registerAndLogin } from '../support/account-flows.ts';
import { boundedLoad, type LoadAnswer, type LoadResult } from '../support/bounded-load.ts';
import { testConfig } from '../support/gateway-harness.ts';
import { ownPostgresAvailable, startOwnPostgres, type OwnPostgres } from '../support/own-postgres.ts';

const TIMEOUT_MS = 1_000;
const PASSWORD = 'outage-password-4821';

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly records?: number;
  readonly reason?: string;
}

async function droppedMetric(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('gateway_usage_dropped_records '));
  if (!line) throw new Error('gateway_usage_dropped_records is not in /metrics');
  return Number(line.split(' ')[1]);
}

async function recordedRequestIds(url: string): Promise<Set<string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ request_id: string }>('SELECT request_id FROM usage_records');
    return new Set(rows.map((row) => row.request_id));
  } finally {
    await client.end();
  }
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  for (const started = Date.now(); !check(); await sleep(100)) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
  }
}

const succeeded = (answers: readonly LoadAnswer[]) => answers.filter((answer) => answer.status >= 200 && answer.status < 300);
const unrecorded = (answers: readonly LoadAnswer[], recorded: ReadonlySet<string>) => answers.filter((answer) => answer.requestId === null || !recorded.has(answer.requestId));

describe.runIf(ownPostgresAvailable)('usage records through a Postgres outage under load', () => {
  let postgres: OwnPostgres;
  const running: RunningGateway[] = [];

  /** A gateway on the cluster, its log kept; the caller's standing stays cached through the outage. */
  async function gatewayOnPostgres(env: Record<string, string> = {}): Promise<{ gateway: RunningGateway; log: LogLine[] }> {
    const config = testConfig({
      DATABASE_URL: postgres.url,
      DATABASE_STATEMENT_TIMEOUT_MS: String(TIMEOUT_MS),
      DATABASE_ACQUIRE_TIMEOUT_MS: String(TIMEOUT_MS),
      // Requests that need no database keep answering 200 while it is away.
      API_KEY_CACHE_TTL_MS: '600000',
      RATE_LIMITS: 'free=1000000/10000000',
      LOG_LEVEL: 'warn',
      USAGE_BATCH_SIZE: '50',
      USAGE_FLUSH_INTERVAL_MS: '100',
      ...env,
    });
    const log: LogLine[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) log.push(JSON.parse(line) as LogLine);
        done();
      },
    });
    const gateway = await startGateway(config, createLogger(config.logLevel, sink));
    running.push(gateway);
    return { gateway, log };
  }

  const load = (gateway: RunningGateway, token: string, options: { requests: number; maxMs: number; queries: readonly string[] }): Promise<LoadResult> =>
    boundedLoad({
      url: `${gateway.url}/graphql`,
      requests: options.requests,
      concurrency: 16,
      maxMs: options.maxMs,
      request: (n) => ({
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: options.queries[n % options.queries.length] }),
      }),
    });

  /** Signs in (Postgres must be up) and makes one call, so the caller's standing is cached. */
  async function caller(gateway: RunningGateway): Promise<string> {
    const { token } = await login(gateway.url, 'outage@usage.test', PASSWORD);
    const warm = await fetch(`${gateway.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"query":"{ __typename }"}' });
    expect(warm.status).toBe(200);
    return token;
  }

  const droppedAtShutdown = (log: readonly LogLine[]) => log.filter((line) => line.reason === 'shutdown').reduce((sum, line) => sum + (line.records ?? 0), 0);

  beforeAll(async () => {
    postgres = await startOwnPostgres();
    const { gateway } = await gatewayOnPostgres();
    await registerAndLogin(gateway.url, 'outage@usage.test', PASSWORD);
  }, 90_000);
  afterAll(async () => {
    await postgres?.thaw();
    await postgres?.start().catch(() => {});
    for (const gateway of running) await gateway.close();
    await postgres?.destroy();
  }, 90_000);

  it('has a record for every 2xx, or counts it as dropped, when Postgres is stopped, crashes, is frozen, and comes back each time', async () => {
    const { gateway } = await gatewayOnPostgres();
    const token = await caller(gateway);
    const outage = (async () => {
      await sleep(1_500);
      await postgres.stop();
      await sleep(2_500);
      await postgres.start();
      await sleep(1_500);
      // As a crash would: no session is ended cleanly, and the server recovers on start.
      await postgres.stop('immediate');
      await sleep(1_500);
      await postgres.start();
      await sleep(1_500);
      await postgres.freeze();
      await sleep(2_500);
      await postgres.thaw();
    })();
    // Half the requests touch the database (503 while it is away), half do not (200 throughout).
    const result = await load(gateway, token, { requests: 6_000, maxMs: 18_000, queries: ['query NoDatabase { __typename }', 'query Me { me { id } }'] });
    await outage;
    const statuses = Object.fromEntries(result.byStatus);
    // The outage was seen (503s) and requests were answered through it (200s).
    expect(statuses[503], JSON.stringify(statuses)).toBeGreaterThan(0);
    expect(result.succeeded, JSON.stringify(statuses)).toBeGreaterThan(100);
    expect(Object.keys(statuses).sort()).toEqual(['200', '503']);

    // Postgres is back: what waits in the buffer is written by the recorder's own retries.
    await until(() => gateway.usage.buffered() === 0, 30_000);
    const dropped = await droppedMetric(gateway.url);
    const recorded = await recordedRequestIds(postgres.url);
    const missing = unrecorded(succeeded(result.answers), recorded);
    const summary = JSON.stringify({ statuses, recorded: recorded.size, missing: missing.length, dropped });
    expect(missing.length, summary).toBeLessThanOrEqual(dropped);
    // Nothing needed dropping: the buffer never came near its bound and Postgres came back.
    expect(missing, summary).toEqual([]);
    expect(dropped, summary).toBe(0);
    // The 503s were recorded too.
    expect(unrecorded(result.answers, recorded), summary).toEqual([]);
  }, 90_000);

  it('shutting down while Postgres is stopped: what could not be written is counted, and the log says how many', async () => {
    const { gateway, log } = await gatewayOnPostgres({ USAGE_SHUTDOWN_TIMEOUT_MS: '1500' });
    const token = await caller(gateway);
    await postgres.stop();
    try {
      const result = await load(gateway, token, { requests: 400, maxMs: 45_000, queries: ['query NoDatabase { __typename }'] });
      expect(result.succeeded).toBe(400);
      const started = performance.now();
      await gateway.close();
      // The shutdown deadline, then at most one statement's and one connection's deadline.
      expect(performance.now() - started).toBeLessThan(1_500 + 2 * TIMEOUT_MS + 2_000);
      await postgres.start();
      const recorded = await recordedRequestIds(postgres.url);
      const missing = unrecorded(succeeded(result.answers), recorded);
      const logged = droppedAtShutdown(log);
      const summary = JSON.stringify({ missing: missing.length, logged, dropped: gateway.usage.dropped() });
      expect(missing.length, summary).toBeGreaterThan(0);
      expect(logged, summary).toBe(gateway.usage.dropped());
      expect(missing.length, summary).toBeLessThanOrEqual(logged);
      expect(log.find((line) => line.reason === 'shutdown')?.level, summary).toBeGreaterThanOrEqual(50);
    } finally {
      await postgres.start().catch(() => {});
    }
  }, 120_000);

  it('shutting down while Postgres is frozen: shutdown ends at its deadline and counts what it could not write, the write in flight too', async () => {
    // A statement deadline past the shutdown's, so a write is still waiting on the frozen server when shutdown gives up.
    const statementMs = 4_000;
    const { gateway, log } = await gatewayOnPostgres({ USAGE_SHUTDOWN_TIMEOUT_MS: '1500', DATABASE_STATEMENT_TIMEOUT_MS: String(statementMs) });
    const token = await caller(gateway);
    await postgres.freeze();
    let result: LoadResult;
    try {
      result = await load(gateway, token, { requests: 400, maxMs: 45_000, queries: ['query NoDatabase { __typename }'] });
      expect(result.succeeded).toBe(400);
      const started = performance.now();
      await gateway.close();
      // The pool still waits for the frozen statement's own deadline before it closes.
      expect(performance.now() - started).toBeLessThan(1_500 + statementMs + 3_000);
    } finally {
      await postgres.thaw();
    }
    const recorded = await recordedRequestIds(postgres.url);
    const missing = unrecorded(succeeded(result.answers), recorded);
    const logged = droppedAtShutdown(log);
    const summary = JSON.stringify({ missing: missing.length, logged, dropped: gateway.usage.dropped() });
    expect(logged, summary).toBe(gateway.usage.dropped());
    expect(logged, summary).toBeGreaterThan(0);
    expect(missing.length, summary).toBeLessThanOrEqual(logged);
  }, 120_000);

  it('shutting down while Postgres comes back within the shutdown deadline: every 2xx is written', async () => {
    const { gateway, log } = await gatewayOnPostgres({ USAGE_SHUTDOWN_TIMEOUT_MS: '20000' });
    const token = await caller(gateway);
    await postgres.stop();
    let result: LoadResult;
    try {
      result = await load(gateway, token, { requests: 400, maxMs: 45_000, queries: ['query NoDatabase { __typename }'] });
      expect(result.succeeded).toBe(400);
      const closing = gateway.close();
      await sleep(1_500);
      await postgres.start();
      await closing;
    } finally {
      await postgres.start().catch(() => {});
    }
    const recorded = await recordedRequestIds(postgres.url);
    expect(unrecorded(result.answers, recorded)).toEqual([]);
    expect(gateway.usage.dropped()).toBe(0);
    expect(droppedAtShutdown(log)).toBe(0);
  }, 120_000);
});
