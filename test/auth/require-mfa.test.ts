import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { registerAndLogin } from '../support/account-flows.ts';
import { ADMIN, startTestGateway } from '../support/gateway-harness.ts';
import { firstErrorCode, graphql } from '../support/graphql-client.ts';
import { claimsOf, enableMfa, inMiddleOfStep, refresh, signIn, signInWithCode } from '../support/session-flows.ts';
import { totpCode } from '../support/totp-codes.ts';

const SET_TIER = 'mutation($id: ID!, $tier: Tier!) { setUserTier(userId: $id, tier: $tier) { tier } }';

describe('REQUIRE_MFA=admin', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ REQUIRE_MFA: 'admin' });
  });
  afterAll(() => gateway?.close());

  it('an admin without a factor is told to enrol and refused (at the edge, before the mfaVerified fields) until signed in with a code', async () => {
    await inMiddleOfStep();
    const target = await registerAndLogin(gateway.url, 'target@require-mfa.test');
    const password = await signIn(gateway.url, ADMIN.email, ADMIN.password);
    expect(password.mfaEnrolmentRequired).toBe(true);
    expect(claimsOf(password.accessToken!)).toMatchObject({ mfa_verified: false, mfa_required: true, amr: ['pwd'] });

    const refused = await graphql(gateway.url, SET_TIER, { id: target.userId, tier: 'pro' }, { token: password.accessToken! });
    expect(refused.status).toBe(403);
    expect(firstErrorCode(refused)).toBe('INSUFFICIENT_PERMISSIONS');
    expect(refused.errors?.[0]?.extensions?.['reason']).toBe('MFA_ENROLMENT_REQUIRED');
    // A refresh keeps the family's missing factor: no way round the rule.
    const refreshed = (await refresh(gateway.url, password.refreshToken!)).data!.refreshToken;
    expect(refreshed.mfaEnrolmentRequired).toBe(true);
    expect((await graphql(gateway.url, SET_TIER, { id: target.userId, tier: 'pro' }, { token: refreshed.accessToken! })).status).toBe(403);
    // REQUIRE_MFA makes the factor mandatory: admin fields without the mfaVerified rule are refused too.
    expect((await graphql(gateway.url, 'query($id: ID!) { user(id: $id) { id } }', { id: target.userId }, { token: refreshed.accessToken! })).status).toBe(403);

    const { secret } = await enableMfa(gateway.url, refreshed.accessToken!, Date.now() - 30_000);
    const verified = await signInWithCode(gateway.url, ADMIN.email, totpCode(secret), ADMIN.password);
    expect(verified.mfaEnrolmentRequired).toBe(false);
    expect((await graphql(gateway.url, SET_TIER, { id: target.userId, tier: 'pro' }, { token: verified.accessToken! })).data?.setUserTier.tier).toBe('pro');
    // Rotation keeps the factor the family was signed in with.
    const rotated = (await refresh(gateway.url, verified.refreshToken!)).data!.refreshToken;
    expect(claimsOf(rotated.accessToken!)).toMatchObject({ mfa_verified: true });

    const disable = await graphql(gateway.url, 'mutation($code: String!) { disableMfa(code: $code) }', { code: totpCode(secret, Date.now() + 30_000) }, { token: verified.accessToken! });
    expect(disable.status).toBe(403);
    expect(disable.errors?.[0]?.message).toContain("required for the 'admin' tier");
  });

  it('tiers REQUIRE_MFA does not name sign in with a password as before', async () => {
    await registerAndLogin(gateway.url, 'free@require-mfa.test');
    const session = await signIn(gateway.url, 'free@require-mfa.test');
    expect(session.mfaEnrolmentRequired).toBe(false);
    expect(claimsOf(session.accessToken!)).toMatchObject({ mfa_required: false });
  });
});
