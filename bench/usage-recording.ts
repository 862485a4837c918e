/**
 * `npm run bench:usage`: gateway throughput with usage recording on and off, in
 * one run. Two gateway processes (USAGE_RECORDING=on and =off) start side by side
 * on their own databases; the same checked GraphQL operation is driven at each
 * in alternating rounds, so the machine's noise falls on both. Afterwards the
 * recording gateway's own analytics must account for every request sent to it.
 */
import { Agent } from 'undici';
import { startBenchGateway, userWithThreeKeys, type BenchGateway } from './bench-gateway.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../test/support/postgres.ts';
import { CONCURRENCY, drive, DURATION_MS, ROUNDS, sleep, WARMUP_MS, type Result, type Target } from './http-load.ts';

interface RecordingGateway {
  readonly name: string;
  readonly base: string;
  readonly gateway: BenchGateway;
  readonly database: TestDatabase | null;
  readonly headers: Record<string, string>;
}

async function startGateway(name: string, recording: 'on' | 'off'): Promise<RecordingGateway> {
  const database = postgresAvailable ? await createTestDatabase() : null;
  const gateway = await startBenchGateway(name, {
    WEBHOOK_WORKER_ENABLED: 'false',
    USAGE_RECORDING: recording,
    ...(database ? { DATABASE_URL: database.url } : {}),
  });
  return { name, base: gateway.base, gateway, database, headers: await userWithThreeKeys(gateway.base) };
}

async function stop(gateway: RecordingGateway): Promise<void> {
  await gateway.gateway.stop();
  await gateway.database?.drop();
}

const target: Target = {
  name: 'GraphQL apiKeys',
  method: 'POST',
  path: '/graphql',
  body: JSON.stringify({ query: 'query BenchUsageKeys { apiKeys(includeRevoked: true) { id name prefix tier status createdAt } }' }),
  check: (body) => body?.errors === undefined && body?.data?.apiKeys?.length === 3,
};

const gateways = [await startGateway('usage recording on', 'on'), await startGateway('usage recording off', 'off')];
try {
  const dispatcher = new Agent({ connections: CONCURRENCY * 2, pipelining: 1 });
  for (const gateway of gateways) await drive(gateway.base, gateway.headers, target, WARMUP_MS, dispatcher);
  const results = new Map<string, Result[]>();
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const gateway of round % 2 === 0 ? gateways : [...gateways].reverse()) {
      const result = await drive(gateway.base, gateway.headers, target, DURATION_MS, dispatcher);
      results.set(gateway.name, [...(results.get(gateway.name) ?? []), result]);
    }
  }
  await dispatcher.close();

  // Everything sent to the recording gateway (warm-up and rounds) must be in its usage records.
  const recording = gateways[0]!;
  await sleep(1_500);
  const usage = (await (
    await fetch(`${recording.base}/graphql`, {
      method: 'POST',
      headers: recording.headers,
      body: JSON.stringify({ query: '{ myUsage { byOperation: groups(by: operation) { key stats { requests p50LatencyMs p95LatencyMs } } } }' }),
    })
  ).json()) as { data: { myUsage: { byOperation: Array<{ key: string; stats: { requests: number; p50LatencyMs: number; p95LatencyMs: number } }> } } };
  const recorded = usage.data.myUsage.byOperation.find((group) => group.key === 'BenchUsageKeys')?.stats;
  const metrics = await (await fetch(`${recording.base}/metrics`)).text();
  const dropped = /^gateway_usage_dropped_records (\d+)/m.exec(metrics)?.[1];

  console.log(`concurrency ${CONCURRENCY}, ${ROUNDS} × ${DURATION_MS / 1000} s per gateway after ${WARMUP_MS / 1000} s warm-up, ${postgresAvailable ? 'Postgres' : 'PGlite'}\n`);
  console.log('| gateway | requests | req/s | p50 ms | p99 ms | failed checks |');
  console.log('|---|---:|---:|---:|---:|---:|');
  const summary = [...results.entries()].map(([name, rows]) => ({
    name,
    requests: rows.reduce((sum, r) => sum + r.requests, 0),
    rps: Math.round(rows.reduce((sum, r) => sum + r.rps, 0) / rows.length),
    p50: Math.max(...rows.map((r) => r.p50)),
    p99: Math.max(...rows.map((r) => r.p99)),
    failures: rows.reduce((sum, r) => sum + r.failures, 0),
  }));
  for (const row of summary) console.log(`| ${row.name} | ${row.requests} | ${row.rps} | ${row.p50} | ${row.p99} | ${row.failures} |`);
  const [on, off] = summary;
  if (on && off) console.log(`\nthroughput with recording / without: ${(on.rps / off.rps).toFixed(3)}`);
  console.log(`recording gateway: ${recorded?.requests ?? 0} usage records for BenchUsageKeys (rounds sent ${on?.requests ?? 0} plus the warm-up), ${dropped ?? '?'} dropped`);
  if (summary.some((row) => row.failures > 0) || (recorded?.requests ?? 0) < (on?.requests ?? 0)) process.exitCode = 1;
} finally {
  for (const gateway of gateways) await stop(gateway);
}
