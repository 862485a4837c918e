/**
 * `npm run bench:startup`: how long `npm start` takes to answer /health, and its
 * idle memory, on a fresh PGlite folder, on a reused one, and on Postgres when
 * DATABASE_URL is set. Each run is bounded; every process started is stopped.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, postgresAvailable } from '../test/support/postgres.ts';
import { freePort, ROOT } from '../test/support/processes.ts';

interface Sample {
  readonly scenario: string;
  readonly healthyMs: number;
  readonly idleRssMiB: number;
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
  // As package.json's `start` runs it.
  const child = spawn(process.execPath, ['--max-semi-space-size=64', '--import', 'tsx', 'gateway/app/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      if (performance.now() - started > 60_000) throw new Error(`${scenario}: not healthy within 60 s`);
      if (child.exitCode !== null) throw new Error(`${scenario}: exited with ${child.exitCode}`);
      const healthy = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
      if (healthy) break;
      await sleep(25);
    }
    const healthyMs = Math.round(performance.now() - started);
    await sleep(3000);
    return { scenario, healthyMs, idleRssMiB: rssMiB(child.pid ?? 0) };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'bench-startup-'));
const samples: Sample[] = [];
try {
  samples.push(await measure('PGlite, fresh folder (first start: initdb + migrations)', { PGLITE_DATA_DIR: join(dataDir, 'pg') }));
  samples.push(await measure('PGlite, existing folder', { PGLITE_DATA_DIR: join(dataDir, 'pg') }));
  if (postgresAvailable) {
    // A database of its own, so the bench leaves the server as it found it.
    const database = await createTestDatabase();
    try {
      samples.push(await measure('Postgres (DATABASE_URL), fresh database', { DATABASE_URL: database.url }));
    } finally {
      await database.drop();
    }
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}

console.log('| scenario | healthy after (ms) | idle RSS (MiB) |');
console.log('|---|---:|---:|');
for (const sample of samples) console.log(`| ${sample.scenario} | ${sample.healthyMs} | ${sample.idleRssMiB} |`);
