/**
 * `npm run bench:rest`: the same operation through the REST bridge and through
 * /graphql, in one run against one gateway process, with the same credential
 * and concurrency. Every response is checked (status 200 and the expected body),
 * so a fast wrong answer does not count. The gateway runs in its own process;
 * the load comes from this one over keep-alive connections.
 */
import { Agent } from 'undici';
import { startBenchGateway, userWithThreeKeys } from './bench-gateway.ts';
import { CONCURRENCY, drive, DURATION_MS, ROUNDS, WARMUP_MS, type Result, type Target } from './http-load.ts';

const gateway = await startBenchGateway('rest-vs-graphql', process.env['DATABASE_URL'] ? { DATABASE_URL: process.env['DATABASE_URL'] } : {});
const base = gateway.base;
try {
  const headers = await userWithThreeKeys(base);

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
  await gateway.stop();
}
