import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { registerAndLogin } from '../support/account-flows.ts';
import { startTestGateway } from '../support/gateway-harness.ts';
import { firstErrorCode, graphql, jsonOf } from '../support/graphql-client.ts';
import { claimsOf, refresh, signIn, type SignIn } from '../support/session-flows.ts';
import { connectSubscriber } from '../support/subscription-client.ts';

const expiry = () => new Promise((resolve) => setTimeout(resolve, 1_300));

describe('a refresh with an expired access token (ACCESS_TOKEN_TTL=1s)', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ ACCESS_TOKEN_TTL: '1s' });
  });
  afterAll(() => gateway?.close());

  const session = async (email: string): Promise<SignIn> => {
    await registerAndLogin(gateway.url, email);
    return signIn(gateway.url, email);
  };

  it('the expired token still sent along is no obstacle: GraphQL and POST /auth/refresh rotate; without a token too', async () => {
    const first = await session('expired@refresh-expired.test');
    await expiry();
    const me = await graphql(gateway.url, '{ me { id } }', {}, { token: first.accessToken! });
    expect(me.status).toBe(401);
    expect(me.errors?.[0]?.extensions).toMatchObject({ code: 'AUTHENTICATION_REQUIRED', reason: 'TOKEN_EXPIRED' });

    const rotated = await refresh(gateway.url, first.refreshToken!, { token: first.accessToken! });
    expect(rotated.errors).toBeUndefined();
    expect(rotated.data!.refreshToken.user.id).toBe(first.user.id);
    await expiry();
    const rest = await jsonOf(
      fetch(`${gateway.url}/auth/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${rotated.data!.refreshToken.accessToken}` },
        body: JSON.stringify({ refresh_token: rotated.data!.refreshToken.refreshToken }),
      }),
    );
    expect(rest).toMatchObject({ success: true, data: { token_type: 'bearer', user: { user_id: first.user.id } } });
    const anonymous = await refresh(gateway.url, rest.data.refresh_token as string);
    expect(anonymous.errors).toBeUndefined();
  });

  it("an expired token of ANOTHER account is 401 and the refresh token stays its owner's, unrotated", async () => {
    const victim = await session('victim@refresh-expired.test');
    const thief = await session('thief@refresh-expired.test');
    await expiry();
    const stolen = await refresh(gateway.url, victim.refreshToken!, { token: thief.accessToken! });
    expect(stolen.status).toBe(401);
    expect(stolen.errors?.[0]?.message).toBe('The refresh token belongs to another account');
    const owner = await refresh(gateway.url, victim.refreshToken!, { token: victim.accessToken! });
    expect(owner.errors).toBeUndefined();
    expect(owner.data!.refreshToken.user.id).toBe(victim.user.id);
  });

  it('a forged or garbage token is still 401 before the refresh token is looked at', async () => {
    const user = await session('forged@refresh-expired.test');
    const past = Math.floor(Date.now() / 1000) - 60;
    const forged = await new SignJWT({ ...claimsOf(user.accessToken!), iat: past - 60, exp: past })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('not-the-gateway-secret-0123456789abcdef'));
    for (const token of [forged, 'garbage', `${user.accessToken!.slice(0, -4)}AAAA`]) {
      const refused = await refresh(gateway.url, user.refreshToken!, { token });
      expect(refused.status, token).toBe(401);
      expect(refused.errors?.[0]?.message, token).toBe('Invalid token');
    }
    // Nothing was rotated: the refresh token still works once.
    expect((await refresh(gateway.url, user.refreshToken!)).errors).toBeUndefined();
  });

  it('anything but the refresh answers the expiry: other operations (a refresh among them too), REST routes, WebSockets', async () => {
    const user = await session('other@refresh-expired.test');
    await expiry();
    const token = user.accessToken!;
    const mixed = await graphql(gateway.url, 'mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } logout }', { t: user.refreshToken! }, { token });
    expect(mixed.status).toBe(401);
    expect(mixed.errors?.[0]?.extensions?.['reason']).toBe('TOKEN_EXPIRED');
    const keys = await fetch(`${gateway.url}/api-keys/list`, { headers: { authorization: `Bearer ${token}` } });
    expect(keys.status).toBe(401);
    expect(await keys.json()).toMatchObject({ error_code: 'AUTHENTICATION_REQUIRED', reason: 'TOKEN_EXPIRED' });
    const subscriber = connectSubscriber(gateway.url, { authorization: `Bearer ${token}` });
    subscriber.subscribe('subscription { apiKeyChanged { __typename } }');
    expect((await subscriber.closed).code).toBe(4401);
    // The refused mixed operation did not spend the refresh token.
    expect((await refresh(gateway.url, user.refreshToken!, { token })).errors).toBeUndefined();
  });
});
