import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface LoadResult {
  readonly requests: number;
  readonly durationUs: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
  /** 200 responses whose body differed from the expected one. */
  readonly wrongBody: number;
  readonly wrongStatus: number;
  readonly socketErrors: number;
}

export interface LoadOptions {
  readonly url: string;
  readonly cpus: string;
  readonly connections: number;
  readonly durationSeconds: number;
  readonly requestFile: string;
  readonly expectedFile: string;
  readonly authorization: string;
}

const SCRIPT = fileURLToPath(new URL('./check-response.lua', import.meta.url));

/**
 * One bounded wrk run (Debian package `wrk`: `apt-get install -y wrk`), one
 * thread, fixed connections, every response checked by check-response.lua.
 */
export function runWrk(options: LoadOptions): Promise<LoadResult> {
  const args = ['-c', options.cpus, 'wrk', '-t1', `-c${options.connections}`, `-d${options.durationSeconds}s`, '--timeout', '10s', '-s', SCRIPT, options.url];
  return new Promise((resolve, reject) => {
    execFile(
      'taskset',
      args,
      {
        env: { PATH: process.env['PATH'] ?? '', BENCH_REQUEST_FILE: options.requestFile, BENCH_EXPECTED_FILE: options.expectedFile, BENCH_AUTHORIZATION: options.authorization },
        timeout: (options.durationSeconds + 30) * 1000,
        maxBuffer: 1 << 20,
      },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`wrk failed: ${error.message}\n${stderr}`));
        const line = stdout.split('\n').find((candidate) => candidate.startsWith('{"requests"'));
        if (!line) return reject(new Error(`wrk printed no summary:\n${stdout}\n${stderr}`));
        resolve(JSON.parse(line) as LoadResult);
      },
    );
  });
}

export async function wrkAvailable(): Promise<boolean> {
  return new Promise((resolve) => execFile('wrk', ['--version'], (error, stdout) => resolve(!error || /wrk/.test(stdout))));
}
