import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT, freePort } from '../test/support/processes.ts';
import { sleep } from './http-load.ts';

/** `gateway/app/main.ts` in its own process, as `npm start` runs it, for the HTTP benches. */
export interface BenchGateway {
  readonly base: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a gateway with the bench's settings plus `env`, and waits until /health answers. */
export async function startBenchGateway(name: string, env: Record<string, string> = {}, timeoutMs = 90_000): Promise<BenchGateway> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--max-semi-space-size=64', '--import', 'tsx', 'gateway/app/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env['PATH'] ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      PGLITE_DATA_DIR: 'memory://',
      // The limiter stays on (one count per call) but must not be what is measured.
      RATE_LIMITS: 'free=100000000/1000000000',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  };
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let started = performance.now(); ; await sleep(50)) {
      if (performance.now() - started > timeoutMs) throw new Error(`${name}: gateway not healthy within ${timeoutMs / 1000} s`);
      if (child.exitCode !== null) throw new Error(`${name}: gateway exited with ${child.exitCode}`);
      if (await fetch(`${base}/health`).then((r) => r.ok, () => false)) break;
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { base, process: child, stop };
}

/** A registered, signed-in user holding three API keys: the headers to call as them. */
export async function userWithThreeKeys(base: string): Promise<Record<string, string>> {
  const credentials = { email: `bench-${process.pid}@bench.test`, password: 'correct horse battery' };
  const json = { 'content-type': 'application/json' };
  await fetch(`${base}/auth/register`, { method: 'POST', headers: json, body: JSON.stringify(credentials) });
  const login = (await (await fetch(`${base}/auth/login`, { method: 'POST', headers: json, body: JSON.stringify(credentials) })).json()) as { data: { access_token: string } };
  const headers = { ...json, authorization: `Bearer ${login.data.access_token}` };
  for (const name of ['first', 'second', 'third']) await fetch(`${base}/api-keys/create`, { method: 'POST', headers, body: JSON.stringify({ name }) });
  return headers;
}
