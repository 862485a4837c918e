import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppConfig } from '../../gateway/app/config/app-config.ts';
import { loadConfig } from '../../gateway/app/config/load-config.ts';
import { createLogger } from '../../core/logger.ts';
import { startGateway, type RunningGateway } from '../../gateway/app/start-gateway.ts';

export const TEST_JWT_SECRET = 'test-jwt-secret-0123456789abcdef0123456789';
export const TEST_INTERNAL_SECRET = 'test-internal-secret-0123456789abcdef01234';
export const ADMIN = { email: 'admin@example.test', password: 'admin-password-123' };

/** A configuration as `loadConfig` would build it from this environment, on an ephemeral port. */
export function testConfig(env: Record<string, string> = {}): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    PGLITE_DATA_DIR: 'memory://',
    JWT_SECRET: TEST_JWT_SECRET,
    INTERNAL_TOKEN_SECRET: TEST_INTERNAL_SECRET,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: 'silent',
    // Every anonymous test call comes from 127.0.0.1 and counts at the free tier;
    // suites about limits set RATE_LIMITS themselves.
    RATE_LIMITS: 'free=1000/10000',
    UPLOAD_DIR: join(tmpdir(), 'federation-gateway-test-uploads', String(process.pid)),
    ...env,
  });
}

export async function startTestGateway(env: Record<string, string> = {}): Promise<RunningGateway> {
  const config = testConfig(env);
  return startGateway(config, createLogger(config.logLevel));
}
