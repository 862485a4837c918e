import { ADMIN, TEST_INTERNAL_SECRET, TEST_JWT_SECRET } from './gateway-harness.ts';
import { freePort, GATEWAY_ENTRY, startTsProcess, type StartedProcess } from './processes.ts';

export interface GatewayProcess {
  readonly url: string;
  readonly process: StartedProcess;
}

/** `npm start`'s entry point as a child process, so it can be killed like a real replica. */
/** `readyTimeoutMs`: a fresh PGlite folder migrates at start, which a loaded machine can stretch past the default. */
export async function startGatewayProcess(env: Record<string, string>, readyTimeoutMs = 40_000): Promise<GatewayProcess> {
  const port = await freePort();
  const started = await startTsProcess(
    GATEWAY_ENTRY,
    [],
    {
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      JWT_SECRET: TEST_JWT_SECRET,
      INTERNAL_TOKEN_SECRET: TEST_INTERNAL_SECRET,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
      RATE_LIMITS: 'free=100000/1000000',
      ...env,
    },
    /Gateway ready/,
    readyTimeoutMs,
  );
  return { url: `http://127.0.0.1:${port}`, process: started };
}
