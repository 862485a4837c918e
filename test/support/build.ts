import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './processes.ts';

/** Builds dist/ when it is missing or stale, as `npm start` does first; throws with tsc's output on failure. */
export function ensureBuilt(): void {
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts/build-if-stale.mjs')], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`build failed:\n${result.stdout}${result.stderr}`);
}
