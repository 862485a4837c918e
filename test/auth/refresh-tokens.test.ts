import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { registerAndLogin } from '../support/account-flows.ts';
import { startTestGateway } from '../support/gateway-harness.ts';
import { firstErrorCode, graphql } from '../support/graphql-client.ts';
import { refresh, signIn } from '../support/session-flows.ts';

const ME = '{ me { id } }';
const meStatus = async (url: string, token: string | null) => (await graphql(url, ME, {}, { token: token ?? '' })).status;

describe('refresh tokens (embedded)', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startTestGateway();
  });
  afterAll(() => gateway?.close());

  it('login answers a 15-minute access token and an opaque refresh token; each refresh rotates both', async () => {
    await registerAndLogin(gateway.url, 'rotate@refresh.test');
    const first = await signIn(gateway.url, 'rotate@refresh.test');
    expect(first.expiresIn).toBe(900);
    expect(first.refreshToken).toMatch(/^rt_[A-Za-z0-9_-]{43}$/);

    const second = await refresh(gateway.url, first.refreshToken!);
    expect(second.errors).toBeUndefined();
    const rotated = second.data!.refreshToken;
    expect(rotated.refreshToken).not.toBe(first.refreshToken);
    expect(rotated.accessToken).not.toBe(first.accessToken);
    expect(rotated.user.id).toBe(first.user.id);
    expect(await meStatus(gateway.url, rotated.accessToken)).toBe(200);
    // Rotation alone does not end the access token it replaced; it simply expires.
    expect(await meStatus(gateway.url, first.accessToken)).toBe(200);

    const third = await refresh(gateway.url, rotated.refreshToken!);
    expect(third.errors).toBeUndefined();
  });

  it('presenting a rotated refresh token revokes the whole family: its later refresh token and every access token it handed out', async () => {
    await registerAndLogin(gateway.url, 'reuse@refresh.test');
    const first = await signIn(gateway.url, 'reuse@refresh.test');
    const second = (await refresh(gateway.url, first.refreshToken!)).data!.refreshToken;

    const replay = await refresh(gateway.url, first.refreshToken!);
    expect(replay.status).toBe(401);
    expect(firstErrorCode(replay)).toBe('AUTHENTICATION_REQUIRED');
    expect(replay.errors?.[0]?.message).toContain('already used');

    const afterReuse = await refresh(gateway.url, second.refreshToken!);
    expect(afterReuse.status).toBe(401);
    expect(afterReuse.errors?.[0]?.message).toContain('revoked');
    expect(await meStatus(gateway.url, first.accessToken)).toBe(401);
    expect(await meStatus(gateway.url, second.accessToken)).toBe(401);

    // Another sign-in of the same user is a family of its own and unaffected.
    const other = await signIn(gateway.url, 'reuse@refresh.test');
    expect((await refresh(gateway.url, other.refreshToken!)).errors).toBeUndefined();
  });

  it("refuses a refresh token presented with another user's access token, and leaves it usable by its owner", async () => {
    await registerAndLogin(gateway.url, 'victim@refresh.test');
    const victim = await signIn(gateway.url, 'victim@refresh.test');
    const thief = await registerAndLogin(gateway.url, 'thief@refresh.test');

    const stolen = await refresh(gateway.url, victim.refreshToken!, { token: thief.token });
    expect(stolen.status).toBe(401);
    expect(stolen.errors?.[0]?.message).toBe('The refresh token belongs to another account');

    const owner = await refresh(gateway.url, victim.refreshToken!, { token: victim.accessToken! });
    expect(owner.errors).toBeUndefined();
    expect(await meStatus(gateway.url, victim.accessToken)).toBe(200);
  });

  it('garbage, unknown and empty refresh tokens get a clear 4xx', async () => {
    for (const token of ['garbage', 'rt_', `rt_${'A'.repeat(43)}`, `rt_${'x'.repeat(500)}`]) {
      const result = await refresh(gateway.url, token);
      expect(result.status).toBe(401);
      expect(result.errors?.[0]?.message).toBe('Invalid refresh token');
    }
    const empty = await refresh(gateway.url, '');
    expect(empty.status).toBe(400);
    expect(firstErrorCode(empty)).toBe('VALIDATION_ERROR');
    const rest = await fetch(`${gateway.url}/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(rest.status).toBe(400);
  });

  it('logout revokes the family: the refresh token and the access tokens of earlier rotations', async () => {
    await registerAndLogin(gateway.url, 'logout@refresh.test');
    const first = await signIn(gateway.url, 'logout@refresh.test');
    const second = (await refresh(gateway.url, first.refreshToken!)).data!.refreshToken;

    const logout = await fetch(`${gateway.url}/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${second.accessToken}` } });
    expect(logout.status).toBe(200);
    expect(await meStatus(gateway.url, second.accessToken)).toBe(401);
    expect(await meStatus(gateway.url, first.accessToken)).toBe(401);
    expect((await refresh(gateway.url, second.refreshToken!)).status).toBe(401);
  });

  it('REST /auth/login and /auth/refresh speak the same pair in snake case', async () => {
    await registerAndLogin(gateway.url, 'rest@refresh.test');
    const login = await fetch(`${gateway.url}/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'rest@refresh.test', password: 'correct horse battery' }),
    });
    const { data } = (await login.json()) as { data: { refresh_token: string; expires_in: number; mfa_required: boolean } };
    expect(data).toMatchObject({ expires_in: 900, mfa_required: false });
    const refreshed = await fetch(`${gateway.url}/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: data.refresh_token }) });
    expect(refreshed.status).toBe(200);
    const body = (await refreshed.json()) as { data: { access_token: string; refresh_token: string } };
    expect(body.data.refresh_token).not.toBe(data.refresh_token);
    expect(await meStatus(gateway.url, body.data.access_token)).toBe(200);
  });
});

describe('token lifetimes from configuration', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ JWT_TTL_SECONDS: '86400', REFRESH_TOKEN_TTL: '1s' });
  });
  afterAll(() => gateway?.close());

  it('JWT_TTL_SECONDS alone keeps 24 h access tokens; an expired refresh token is refused and nothing rotates', async () => {
    await registerAndLogin(gateway.url, 'expiry@refresh.test');
    const session = await signIn(gateway.url, 'expiry@refresh.test');
    expect(session.expiresIn).toBe(86_400);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const expired = await refresh(gateway.url, session.refreshToken!);
    expect(expired.status).toBe(401);
    expect(expired.errors?.[0]?.message).toBe('The refresh token has expired');
    // Refused, not treated as reuse: the family (and its access token) lives on.
    expect(await meStatus(gateway.url, session.accessToken)).toBe(200);
    expect((await refresh(gateway.url, session.refreshToken!)).errors?.[0]?.message).toBe('The refresh token has expired');
  });
});
