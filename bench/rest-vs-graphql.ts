/**
 * `npm run bench:rest`: the same operation through the REST bridge and through
 * /graphql, in one run against one gateway process, with the same credential
 * and concurrency. Every response is checked (status 200 and the expected body),
 * so a fast wrong answer does not count. The gateway runs in its own process;
 * the load comes from this one over keep-alive connections.
 */
import { spawn } from 'node:child_process';
import { Agent } from 'undici';
import { CONCURRENCY, drive, DURATION_MS, ROUNDS, sleep, WARMUP_MS, type Result, type Target } from './http-load.ts';
import { freePort, ROOT } from '../test/support/processes.ts';

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const gateway = spawn(process.execPath, ['--import', 'tsx', 'gateway/main.ts'], {
  cwd: ROOT,
  env: {
    PATH: process.env['PATH'] ?? '',
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    PGLITE_DATA_DIR: 'memory://',
    // The limiter stays on (one count per call either way) but must not be what is measured.
    RATE_LIMITS: 'free=100000000/1000000000',
    ...(process.env['DATABASE_URL'] ? { DATABASE_URL: process.env['DATABASE_URL'] } : {}),
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
try {
  for (let started = performance.now(); ; await sleep(50)) {
    if (performance.now() - started > 60_000) throw new Error('gateway not healthy within 60 s');
    if (await fetch(`${base}/health`).then((r) => r.ok, () => false)) break;
  }
  const credentials = { email: `bench-${process.pid}@bench.test`, password: 'correct horse battery' };
  const json = { 'content-type': 'application/json' };
  await fetch(`${base}/auth/register`, { method: 'POST', headers: json, body: JSON.stringify(credentials) });
  const login = (await (await fetch(`${base}/auth/login`, { method: 'POST', headers: json, body: JSON.stringify(credentials) })).json()) as { data: { access_token: string } };
  const headers = { ...json, authorization: `Bearer ${login.data.access_token}` };
  for (const name of ['first', 'second', 'third']) {
    await fetch(`${base}/api-keys/create`, { method: 'POST', headers, body: JSON.stringify({ name }) });
  }

  const fields = 'id name prefix tier scopes status limitPerMinute limitPerHour expiresAt lastUsedAt revokedAt createdAt';
  const targets: Target[] = [
    { name: 'REST GET /api-keys/list', method: 'GET', path: '/api-keys/list', check: (body) => body?.success === true && body.data?.total === 3 },
    {
      name: 'GraphQL apiKeys (same fields)',
      method: 'POST',
      path: '/graphql',
      body: JSON.stringify({ query: `query BenchListApiKeys { apiKeys(includeRevoked: true) { ${fields} } }` }),
      check: (body) => body?.errors === undefined && body?.data?.apiKeys?.length === 3,
    },
  ];

  const dispatcher = new Agent({ connections: CONCURRENCY, pipelining: 1 });
  for (const target of targets) await drive(base, headers, target, WARMUP_MS, dispatcher);
  // Alternating rounds spread the machine's noise over both sides.
  const totals = new Map<string, Result[]>();
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const target of round % 2 === 0 ? targets : [...targets].reverse()) {
      const result = await drive(base, headers, target, DURATION_MS, dispatcher);
      totals.set(target.name, [...(totals.get(target.name) ?? []), result]);
    }
  }
  await dispatcher.close();

  const summary = [...totals.entries()].map(([name, results]) => ({
    name,
    requests: results.reduce((sum, r) => sum + r.requests, 0),
    rps: Math.round(results.reduce((sum, r) => sum + r.rps, 0) / results.length),
    p50: Math.max(...results.map((r) => r.p50)),
    p99: Math.max(...results.map((r) => r.p99)),
    failures: results.reduce((sum, r) => sum + r.failures, 0),
  }));
  console.log(`concurrency ${CONCURRENCY}, ${ROUNDS} × ${DURATION_MS / 1000} s per side after ${WARMUP_MS / 1000} s warm-up, ${process.env['DATABASE_URL'] ? 'Postgres' : 'PGlite'}\n`);
  console.log('| target | requests | req/s | p50 ms | p99 ms | failed checks |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const row of summary) console.log(`| ${row.name} | ${row.requests} | ${row.rps} | ${row.p50} | ${row.p99} | ${row.failures} |`);
  const [rest, graphql] = summary;
  if (rest && graphql) console.log(`\nREST / GraphQL throughput: ${(rest.rps / graphql.rps).toFixed(3)}`);
  if (summary.some((row) => row.failures > 0)) process.exitCode = 1;
} finally {
  gateway.kill('SIGTERM');
  await new Promise((resolve) => gateway.once('exit', resolve));
}
