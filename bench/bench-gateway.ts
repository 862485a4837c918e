import type { ChildProcess } from 'node:child_process';
import { ensureBuilt } from '../test/support/build.ts';
import { compiledEntry, freePort, startNodeProcess } from '../test/support/processes.ts';

/** The gateway in its own process, as `npm start` runs it, for the HTTP benches. */
export interface BenchGateway {
  readonly base: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a gateway with the bench's settings plus `env`, and waits until /health answers. */
export async function startBenchGateway(name: string, env: Record<string, string> = {}, timeoutMs = 90_000): Promise<BenchGateway> {
  ensureBuilt();
  const port = await freePort();
  const started = await startNodeProcess({
    ...compiledEntry('start'),
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      PGLITE_DATA_DIR: 'memory://',
      // The limiter stays on (one count per call) but must not be what is measured.
      RATE_LIMITS: 'free=100000000/1000000000',
      ...env,
    },
    ready: /Gateway ready/,
    timeoutMs,
  }).catch((error: unknown) => {
    throw new Error(`${name}: ${(error as Error).message}`);
  });
  return { base: `http://127.0.0.1:${port}`, process: started.child, stop: async () => void (await started.stop()) };
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
