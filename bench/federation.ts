/**
 * `npm run bench:federation`: our gateway (JWT auth + rate limits on) against a
 * bare @apollo/gateway + @apollo/server, same run, same machine, same four
 * subgraphs, the gateways benchmark's federation query. See bench/README.md.
 *
 * Gateways are pinned to CPU 0; subgraphs and the load driver (wrk) share CPU 1.
 * Knobs: BENCH_DURATION_S (15), BENCH_WARMUP_S (5), BENCH_CONNECTIONS (50),
 * BENCH_ROUNDS (2), BENCH_CPU_PROF=<dir> (write gateways' --cpu-prof there),
 * BENCH_HIVE=0 (leave Hive Gateway out; it is installed into bench/hive on first use),
 * REDIS_URL (adds a run with the limits kept in Redis), DATABASE_URL (our
 * gateways keep their platform data in a fresh Postgres database instead of
 * in-memory PGlite, whose WebAssembly heap is most of their RSS otherwise).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accessTokens } from '../core/identity/access-tokens.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../test/support/postgres.ts';
import { ensureBuilt } from '../test/support/build.ts';
import { compiledEntry, freePort } from '../test/support/processes.ts';
import { composeBenchSupergraph } from './subgraphs/compose.ts';
import { BENCH_SUBGRAPH_NAMES, type BenchSubgraphName } from './subgraphs/definitions.ts';
import { ProcessGroup, type PinnedProcess } from './federation/processes.ts';
import { BENCH_QUERY, problemsIn } from './federation/query.ts';
import { printReport, type Role, type Row } from './federation/report.ts';
import { runWrk, wrkAvailable } from './federation/wrk.ts';

const GATEWAY_CPU = '0';
const OTHERS_CPU = '1';
function numberFrom(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`${name} must be a positive whole number`);
    process.exit(2);
  }
  return value;
}
const settings = {
  durationSeconds: numberFrom('BENCH_DURATION_S', 15),
  warmupSeconds: numberFrom('BENCH_WARMUP_S', 5),
  connections: numberFrom('BENCH_CONNECTIONS', 50),
  rounds: numberFrom('BENCH_ROUNDS', 2),
  cpuProfileDir: process.env['BENCH_CPU_PROF'],
  redisUrl: process.env['REDIS_URL'],
  hive: process.env['BENCH_HIVE'] !== '0',
};
const HIVE_DIR = join(import.meta.dirname, 'hive');
/** As in package.json's `start`: a larger young generation (see bench/README.md). */
const JWT_SECRET = 'bench-jwt-secret-0123456789abcdef0123456789';

interface Contender {
  readonly name: string;
  readonly role: Role;
  readonly url: string;
  readonly process: PinnedProcess;
}

if (!(await wrkAvailable())) {
  console.error('bench:federation needs wrk on PATH (Debian/Ubuntu: apt-get install -y wrk)');
  process.exit(1);
}

const group = new ProcessGroup();
let database: TestDatabase | undefined;
const folder = mkdtempSync(join(tmpdir(), 'bench-federation-'));
process.once('SIGINT', () => void group.stopAll().then(() => database?.drop()).finally(() => process.exit(130)));

async function subgraphRequests(urls: Record<BenchSubgraphName, string>): Promise<number> {
  const counts = await Promise.all(
    Object.values(urls).map((url) => fetch(url.replace(/\/graphql$/, '/counters')).then((r) => r.json() as Promise<{ requests: number }>)),
  );
  return counts.reduce((sum, count) => sum + count.requests, 0);
}

async function main(): Promise<{ rows: Row[]; bodyBytes: number }> {
  const urls = {} as Record<BenchSubgraphName, string>;
  const subgraphs: PinnedProcess[] = [];
  const subgraphCpuMs = () => subgraphs.reduce((sum, subgraph) => sum + subgraph.cpuMs(), 0);
  for (const name of BENCH_SUBGRAPH_NAMES) {
    const port = await freePort();
    const subgraph = await group.start({ name, cpus: OTHERS_CPU, entry: 'bench/subgraphs/main.ts', args: [name, '--port', String(port)], env: {}, ready: /listening/ });
    subgraphs.push(subgraph);
    urls[name] = `http://127.0.0.1:${port}/graphql`;
  }
  const supergraphPath = join(folder, 'supergraph.graphql');
  writeFileSync(supergraphPath, composeBenchSupergraph(urls));
  const requestFile = join(folder, 'request.json');
  writeFileSync(requestFile, JSON.stringify({ query: BENCH_QUERY, operationName: 'TestQuery' }));

  const jwt = { keys: { algorithm: 'HS256', secret: new TextEncoder().encode(JWT_SECRET), generated: false }, issuer: 'federation-gateway', audience: 'federation-gateway-api', ttlSeconds: 3600 } as const;
  const token = (await (await accessTokens(jwt)).issue({ userId: '00000000-0000-4000-8000-00000000be0c', tier: 'enterprise', scopes: [] })).token;
  const authorization = `Bearer ${token}`;
  // One folder per gateway: node writes one profile per thread (tsx's loader runs in one too).
  const profile = (name: string) => (settings.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', join(settings.cpuProfileDir, name)] : []);

  if (postgresAvailable) database = await createTestDatabase();
  const contenders: Contender[] = [];
  const startBaseline = async () => {
    const port = await freePort();
    const process = await group.start({
      name: 'baseline',
      cpus: GATEWAY_CPU,
      entry: 'bench/federation/baseline-gateway.mjs',
      args: [supergraphPath, String(port)],
      nodeArgs: profile('baseline'),
      env: { NODE_ENV: 'production' },
      ready: /ready/,
    });
    contenders.push({ name: 'bare @apollo/gateway + @apollo/server', role: 'baseline', url: `http://127.0.0.1:${port}/graphql`, process });
  };
  // The Guild's gateway, in a package of its own so the gateway's install stays lean.
  const startHive = async (name: string, flags: readonly string[]) => {
    if (!existsSync(join(HIVE_DIR, 'node_modules', '@graphql-hive', 'gateway'))) {
      console.error('installing Hive Gateway into bench/hive (first run only)');
      execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: HIVE_DIR, stdio: 'inherit' });
    }
    const port = await freePort();
    const process = await group.start({
      name,
      cpus: GATEWAY_CPU,
      entry: join(HIVE_DIR, 'hive-gateway.mjs'),
      args: [supergraphPath, String(port), ...flags],
      nodeArgs: profile(name.replace(/\W+/g, '-')),
      env: { NODE_ENV: 'production' },
      ready: /hive gateway ready/,
    });
    contenders.push({ name, role: 'peer', url: `http://127.0.0.1:${port}/graphql`, process });
  };
  // Our gateway as `npm start` serves it: compiled, plain node.
  ensureBuilt();
  const served = compiledEntry('start');
  const startOurs = async (name: string, extraEnv: Record<string, string>) => {
    const port = await freePort();
    const process = await group.start({
      name,
      cpus: GATEWAY_CPU,
      entry: served.entry,
      // The flags `npm start` runs the gateway with (package.json).
      nodeArgs: [...served.nodeFlags, ...profile(name.replace(/\W+/g, '-'))],
      env: {
        ...served.startEnv,
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(port),
        SUPERGRAPH_PATH: supergraphPath,
        ...(database ? { DATABASE_URL: database.url } : { PGLITE_DATA_DIR: 'memory://' }),
        JWT_SECRET,
        INTERNAL_TOKEN_SECRET: 'bench-internal-secret-0123456789abcdef0123',
        UPSTREAM_SIGNING_SECRET: 'bench-upstream-secret-0123456789abcdef0123',
        TRAINING_CALLBACK_SECRET: 'bench-callback-secret-0123456789abcdef0123',
        // Every request is counted; the limit is set so that counting never refuses.
        RATE_LIMITS: 'enterprise=100000000/1000000000',
        LOG_LEVEL: 'warn',
        ...extraEnv,
      },
      ready: /Gateway ready/,
    });
    contenders.push({ name, role: 'ours', url: `http://127.0.0.1:${port}/graphql`, process });
  };
  await startBaseline();
  if (settings.hive) {
    await startHive('Hive Gateway 2.15', []);
    await startHive('Hive Gateway 2.15, dedup off', ['--no-dedup']);
    await startHive('Hive Gateway 2.15, --jit', ['--jit']);
  }
  await startOurs('our gateway (JWT + rate limits in memory + usage recording)', {});
  await startOurs('our gateway, in-flight deduplication off', { SUBGRAPH_DEDUP_EXCLUDE: BENCH_SUBGRAPH_NAMES.join(',') });
  // Apollo's plan as it is, each fetch its own request: what batching buys.
  await startOurs('our gateway, dedup off, fetch batching off', { SUBGRAPH_DEDUP_EXCLUDE: BENCH_SUBGRAPH_NAMES.join(','), SUBGRAPH_FETCH_BATCHING: 'false' });
  if (settings.redisUrl) await startOurs('our gateway (JWT + rate limits in Redis + usage recording)', { REDIS_URL: settings.redisUrl });

  // One checked answer per gateway first: the body each of its benchmark responses must equal.
  // Gateways may differ only in the whitespace around the JSON (Apollo Server ends it with a
  // newline, Hive Gateway does not): the same fields, in the same order, with the same values.
  let canonical: string | undefined;
  const expectedFiles = new Map<string, string>();
  const fetchesAlone = new Map<string, number>();
  for (const [index, contender] of contenders.entries()) {
    const before = await subgraphRequests(urls);
    const answer = await fetch(contender.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify({ query: BENCH_QUERY }) });
    const text = await answer.text();
    const problems = problemsIn(answer.status, text);
    if (problems.length > 0) throw new Error(`${contender.name} answers wrongly: ${problems.join('; ')}`);
    const reserialised = JSON.stringify(JSON.parse(text));
    if (canonical !== undefined && reserialised !== canonical) throw new Error(`${contender.name} answers a different body from the others`);
    canonical = reserialised;
    const expectedFile = join(folder, `expected-${index}.json`);
    writeFileSync(expectedFile, text);
    expectedFiles.set(contender.name, expectedFile);
    fetchesAlone.set(contender.name, (await subgraphRequests(urls)) - before);
  }

  const rows: Row[] = [];
  const load = (contender: Contender, durationSeconds: number) =>
    runWrk({ url: contender.url, cpus: OTHERS_CPU, connections: settings.connections, durationSeconds, requestFile, expectedFile: expectedFiles.get(contender.name)!, authorization });
  for (let round = 1; round <= settings.rounds; round += 1) {
    for (const contender of contenders) {
      const warm = await load(contender, settings.warmupSeconds);
      const fetchesBefore = await subgraphRequests(urls);
      const cpuBefore = contender.process.cpuMs();
      const waitBefore = contender.process.runQueueWaitMs();
      const subgraphCpuBefore = subgraphCpuMs();
      const measured = await load(contender, settings.durationSeconds);
      const fetches = (await subgraphRequests(urls)) - fetchesBefore;
      const cpu = contender.process.cpuMs() - cpuBefore;
      const wait = contender.process.runQueueWaitMs() - waitBefore;
      const subgraphCpu = subgraphCpuMs() - subgraphCpuBefore;
      const seconds = measured.durationUs / 1e6;
      const wrong = warm.wrongBody + warm.wrongStatus + warm.socketErrors;
      rows.push({
        contender: contender.name,
        role: contender.role,
        round,
        load: { ...measured, wrongBody: measured.wrongBody + wrong },
        rps: measured.requests / seconds,
        fetchesAlone: fetchesAlone.get(contender.name) ?? 0,
        peakRssMiB: contender.process.peakRssMiB(),
        fetchesPerOperation: fetches / Math.max(1, measured.requests),
        gatewayCpuPercent: cpu / 10 / seconds,
        gatewayCpuMsPerOperation: cpu / Math.max(1, measured.requests),
        gatewayRunQueuePercent: wait / 10 / seconds,
        subgraphCpuPercent: subgraphCpu / 10 / seconds,
      });
      console.error(`round ${round}: ${contender.name}: ${Math.round(rows.at(-1)!.rps)} req/s`);
    }
  }
  return { rows, bodyBytes: Buffer.byteLength(canonical ?? '') };
}

let exitCode = 0;
try {
  const { rows, bodyBytes } = await main();
  const storage = database ? 'Postgres' : 'in-memory PGlite';
  const header =
    `${settings.connections} connections, ${settings.warmupSeconds} s warm-up + ${settings.durationSeconds} s measured per run, ` +
    `${settings.rounds} round(s); our gateways' platform data in ${storage}; response body ${(bodyBytes / 1024).toFixed(1)} KiB`;
  if (!printReport(header, rows)) {
    console.error('Some responses were wrong (status, body or socket errors): the figures above do not count.');
    exitCode = 1;
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  exitCode = 1;
} finally {
  await group.stopAll();
  await database?.drop();
  rmSync(folder, { recursive: true, force: true });
}
process.exit(exitCode);
