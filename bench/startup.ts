/**
 * `npm run bench:startup`: how long `npm start` takes to answer /health, and its
 * idle memory, on a fresh PGlite folder, on a reused one, and on Postgres when
 * DATABASE_URL is set. Each run is bounded; every process started is stopped.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, postgresAvailable } from '../test/support/postgres.ts';
import { ensureBuilt } from '../test/support/build.ts';
import { compiledEntry, freePort, ROOT, startNodeProcess } from '../test/support/processes.ts';

interface Sample {
  readonly scenario: string;
  readonly healthyMs: number;
  /** 3 s after ready, as earlier runs read it: start-up's young generation is still resident. */
  readonly idleRssMiB: number;
  /** Once the gateway has handed its young generation back (gateway/app/idle-heap-release.ts), and when. */
  readonly settledRssMiB: number;
  readonly settledAfterS: number;
  /** What the gateway itself reports in /health/detailed. */
  readonly reportedStartupMs: number | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kib / 1024);
}

async function measure(scenario: string, env: Record<string, string>): Promise<Sample> {
  const port = await freePort();
  const started = performance.now();
  // As package.json's `start` runs it (dist/ is built before the first measurement);
  // main.ts prints its ready line once it listens, when /health first answers.
  const gateway = await startNodeProcess({ ...compiledEntry('start'), env: { PORT: String(port), LOG_LEVEL: 'warn', ...env }, ready: /Gateway ready/, timeoutMs: 60_000 }).catch(
    (error: unknown) => {
      throw new Error(`${scenario}: ${(error as Error).message}`);
    },
  );
  try {
    const healthyMs = Math.round(performance.now() - started);
    if (!(await fetch(`http://127.0.0.1:${port}/health`)).ok) throw new Error(`${scenario}: /health did not answer 200 once ready`);
    await sleep(3000);
    const idleRssMiB = rssMiB(gateway.pid);
    const detailed = async () =>
      ((await (await fetch(`http://127.0.0.1:${port}/health/detailed`)).json()) as { data?: { process?: { startup_ms?: number; young_generation_mib?: number } } }).data?.process;
    const reportedStartupMs = (await detailed())?.startup_ms ?? null;
    // Idle: the release runs after a quiet interval (5 s); give it up to 30 s on a loaded machine.
    let settledAfterS = 3;
    while (settledAfterS < 33 && ((await detailed())?.young_generation_mib ?? 0) > 4) {
      await sleep(1000);
      settledAfterS += 1;
    }
    await sleep(1000);
    return { scenario, healthyMs, idleRssMiB, settledRssMiB: rssMiB(gateway.pid), settledAfterS: settledAfterS + 1, reportedStartupMs };
  } finally {
    await gateway.stop();
  }
}

ensureBuilt();
const loadBefore = loadavg().map((n) => n.toFixed(2)).join(', ');
const dataDir = mkdtempSync(join(tmpdir(), 'bench-startup-'));
const samples: Sample[] = [];
const phases: string[] = [];

/** Memory per start-up phase, in a process of its own (bench/startup-phases.mjs). */
function phaseRows(label: string, env: Record<string, string>): void {
  const result = spawnSync(process.execPath, ['--expose-gc', 'bench/startup-phases.mjs'], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.status !== 0) throw new Error(`phases (${label}) failed:\n${result.stderr}`);
  for (const line of result.stdout.trim().split('\n')) {
    const row = JSON.parse(line) as { phase: string; ms: number; rssMiB: number; deltaRssMiB: number; heapUsedMiB: number; externalMiB: number };
    phases.push(`| ${label} | ${row.phase} | ${row.ms} | ${row.rssMiB} | ${row.deltaRssMiB} | ${row.heapUsedMiB} | ${row.externalMiB} |`);
  }
}
try {
  samples.push(await measure('PGlite, fresh folder (first start: initdb + migrations)', { PGLITE_DATA_DIR: join(dataDir, 'pg') }));
  samples.push(await measure('PGlite, existing folder', { PGLITE_DATA_DIR: join(dataDir, 'pg') }));
  phaseRows('PGlite, existing folder', { PGLITE_DATA_DIR: join(dataDir, 'pg') });
  if (postgresAvailable) {
    // A database of its own, so the bench leaves the server as it found it.
    const database = await createTestDatabase();
    try {
      samples.push(await measure('Postgres (DATABASE_URL), fresh database', { DATABASE_URL: database.url }));
      samples.push(await measure('Postgres (DATABASE_URL), migrated database', { DATABASE_URL: database.url }));
      phaseRows('Postgres, migrated database', { DATABASE_URL: database.url });
    } finally {
      await database.drop();
    }
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}

console.log(`load average before: ${loadBefore}`);
console.log('| scenario | healthy after (ms) | start-up reported by /health/detailed (ms) | RSS 3 s after ready (MiB) | idle RSS, young generation released (MiB) | released by (s after ready) |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const sample of samples) {
  console.log(`| ${sample.scenario} | ${sample.healthyMs} | ${sample.reportedStartupMs ?? '-'} | ${sample.idleRssMiB} | ${sample.settledRssMiB} | ${sample.settledAfterS} |`);
}
console.log('\n| database | phase | time (ms) | RSS (MiB) | Δ RSS | heap used | external (WASM memory, buffers) |');
console.log('|---|---|---:|---:|---:|---:|---:|');
for (const row of phases) console.log(row);
console.log(`load average after: ${loadavg().map((n) => n.toFixed(2)).join(', ')}`);
