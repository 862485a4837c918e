// Runs a TypeScript entry point in a child process, as `npm run` would, and
// collects what it printed and how long it took to exit.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

export interface TsxRun {
  code: number | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

export function runTsx(
  entry: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<TsxRun> {
  const started = Date.now();
  const child = spawn(tsx, [entry, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr, elapsedMs: Date.now() - started }));
  });
}

/** The environment without DATABASE_URL, so the CLIs fall back to PGlite. */
export function envWithoutDatabaseUrl(): NodeJS.ProcessEnv {
  const { DATABASE_URL: _omitted, PGLITE_DATA_DIR: _alsoOmitted, ...rest } = process.env;
  return rest;
}
