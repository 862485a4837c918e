import { afterEach, expect } from 'vitest';
import type { Principal } from '../../core/identity/principal.ts';
import { upstreamClient, type UpstreamClient, type UpstreamClientOptions } from '../../subgraphs/shared/upstream/index.ts';
import type { TestUpstream } from '../support/upstream-servers.ts';

export const SIGNING_SECRET = new TextEncoder().encode('upstream-test-signing-secret-32-bytes-long');

export const USER: Principal = {
  kind: 'user',
  userId: 'user-1',
  tier: 'pro',
  scopes: ['read:modules', 'write:modules'],
  tokenId: 'jti-1',
  expiresAt: Math.floor(Date.now() / 1000) + 3600,
  mfaVerified: false,
  mfaRequired: false,
};

export const API_KEY: Principal = {
  kind: 'apiKey',
  userId: 'user-2',
  keyId: 'key-7',
  tier: 'free',
  scopes: ['read:modules'],
  expiresAt: null,
  limits: { perMinute: null, perHour: null },
};

/** A fake millisecond clock for breaker cool-downs. */
export function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let time = 1_000_000;
  return { now: () => time, advance: (ms) => void (time += ms) };
}

/**
 * Clients and servers opened by a test, closed after it. Call once per file, at
 * the top level, so its afterEach hook is registered.
 */
export function upstreamFixtures(): {
  client(options: Omit<UpstreamClientOptions, 'name' | 'signingSecret'> & { name?: string }): UpstreamClient;
  track<T extends TestUpstream>(server: Promise<T>): Promise<T>;
} {
  const clients: UpstreamClient[] = [];
  const servers: TestUpstream[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return {
    client(options) {
      // Tests keep backoff tiny so the suite stays fast.
      const created = upstreamClient({ name: 'test-module', retryBackoffMs: 5, signingSecret: SIGNING_SECRET, ...options });
      clients.push(created);
      return created;
    },
    async track(server) {
      const started = await server;
      servers.push(started);
      return started;
    },
  };
}

/** Asserts a promise rejects with a contract error of this code and message. */
export async function expectContractError(promise: Promise<unknown>, code: string, message: string | RegExp): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, 'expected the call to fail').toBeInstanceOf(Error);
  expect((error as { extensions?: Record<string, unknown> }).extensions?.['code']).toBe(code);
  if (typeof message === 'string') expect((error as Error).message).toBe(message);
  else expect((error as Error).message).toMatch(message);
}
