import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAndLogin } from '../support/account-flows.ts';
import { graphql } from '../support/graphql-client.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.ts';
import { startGatewayProcess } from '../support/gateway-process.ts';
import type { StartedProcess } from '../support/processes.ts';
import { enableMfa, inMiddleOfStep, refresh, signIn, signInWithCode, verifyMfa } from '../support/session-flows.ts';
import { totpCode } from '../support/totp-codes.ts';

const redisUrl = process.env['REDIS_URL'];

/** Polls until the token is refused, for a replica that hears of the revocation over Redis a moment later. */
async function refusedSoon(url: string, token: string, timeoutMs = 10_000): Promise<number> {
  let status = 0;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    status = (await graphql(url, '{ me { id } }', {}, { token })).status;
    if (status === 401) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return status;
}

// Two `npm start` processes on one Postgres and Redis, as in token-standing.test.ts.
describe.runIf(postgresAvailable && redisUrl)('refresh rotation and MFA across two gateway replicas (Postgres + Redis)', () => {
  let database: TestDatabase;
  const gateways: StartedProcess[] = [];
  const urls: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    // One after the other: the first applies the migrations.
    for (let replica = 0; replica < 2; replica += 1) {
      const started = await startGatewayProcess({ DATABASE_URL: database.url, REDIS_URL: redisUrl ?? '', RATE_LIMITS: 'free=1000/10000' });
      gateways.push(started.process);
      urls.push(started.url);
    }
  }, 150_000);
  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.stop()));
    await database?.drop();
  });
  const sql = async (text: string, values: unknown[]) => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query(text, values);
    } finally {
      await client.end();
    }
  };

  it('a token rotated on replica 1 and replayed on replica 2 revokes the family on both, access tokens included', async () => {
    const [first, second] = urls as [string, string];
    await registerAndLogin(first, 'reuse@replicas.test');
    const original = await signIn(first, 'reuse@replicas.test');
    const rotated = (await refresh(first, original.refreshToken!)).data!.refreshToken;
    expect((await graphql(second, '{ me { id } }', {}, { token: rotated.accessToken! })).status).toBe(200);

    const replay = await refresh(second, original.refreshToken!);
    expect(replay.status).toBe(401);
    expect(replay.errors?.[0]?.message).toContain('already used');
    for (const url of [first, second]) {
      expect(await refusedSoon(url, rotated.accessToken!)).toBe(401);
      expect(await refusedSoon(url, original.accessToken!)).toBe(401);
    }
    expect((await refresh(first, rotated.refreshToken!)).status).toBe(401);
  });

  it('the same refresh token sent to both replicas at once: one rotation wins, the other is reuse and ends the family', async () => {
    const [first, second] = urls as [string, string];
    await registerAndLogin(first, 'race@replicas.test');
    const session = await signIn(first, 'race@replicas.test');
    const results = await Promise.all([refresh(first, session.refreshToken!), refresh(second, session.refreshToken!)]);
    expect(results.map((result) => result.status).sort()).toEqual([200, 401]);
    const winner = results.find((result) => result.status === 200)!.data!.refreshToken;
    for (const url of [first, second]) expect(await refusedSoon(url, winner.accessToken!)).toBe(401);
    expect((await refresh(second, winner.refreshToken!)).status).toBe(401);
  });

  it('a TOTP code accepted by replica 1 is refused by replica 2 within its window', async () => {
    await inMiddleOfStep();
    const [first, second] = urls as [string, string];
    const user = await registerAndLogin(first, 'totp@replicas.test');
    const { secret } = await enableMfa(first, user.token, Date.now() - 30_000);
    const code = totpCode(secret);
    await signInWithCode(first, 'totp@replicas.test', code);
    const challenge = (await signIn(second, 'totp@replicas.test')).mfaChallenge!;
    const replay = await verifyMfa(second, challenge, code);
    expect(replay.status).toBe(401);
    expect(replay.errors?.[0]?.message).toBe('This code was already used; wait for the next one');
  });

  it('expired challenges and refresh tokens get a 401 and change nothing', async () => {
    const [first, second] = urls as [string, string];
    const user = await registerAndLogin(first, 'expired@replicas.test');
    const { recoveryCodes } = await enableMfa(first, user.token);
    const challenge = (await signIn(first, 'expired@replicas.test')).mfaChallenge!;
    await sql("UPDATE mfa_challenges SET expires_at = now() - interval '1 second' WHERE user_id = $1", [user.userId]);
    const late = await verifyMfa(second, challenge, recoveryCodes[0]!);
    expect(late.status).toBe(401);
    expect(late.errors?.[0]?.message).toBe('The MFA challenge has expired; sign in again');
    // The recovery code was not spent on the refused attempt.
    const session = await signInWithCode(second, 'expired@replicas.test', recoveryCodes[0]!);

    await sql("UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1", [user.userId]);
    const stale = await refresh(first, session.refreshToken!);
    expect(stale.status).toBe(401);
    expect(stale.errors?.[0]?.message).toBe('The refresh token has expired');
    expect((await graphql(second, '{ me { id } }', {}, { token: session.accessToken! })).status).toBe(200);
  });
});
