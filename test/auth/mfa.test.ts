import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { login, registerAndLogin } from '../support/account-flows.ts';
import { ADMIN, startTestGateway } from '../support/gateway-harness.ts';
import { firstErrorCode, graphql } from '../support/graphql-client.ts';
import { claimsOf, confirmMfa, enableMfa, enrolMfa, inMiddleOfStep, signIn, signInWithCode, verifyMfa } from '../support/session-flows.ts';
import { totpCode } from '../support/totp-codes.ts';

const STEP_MS = 30_000;
const SET_TIER = 'mutation($id: ID!, $tier: Tier!) { setUserTier(userId: $id, tier: $tier) { tier } }';
const DISABLE = 'mutation($code: String!) { disableMfa(code: $code) }';

describe('TOTP second factor (embedded)', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startTestGateway();
  });
  afterAll(() => gateway?.close());

  it('enrolment shows the secret once, as an otpauth:// URI and a QR PNG; until confirmed, the password alone still signs in', async () => {
    const user = await registerAndLogin(gateway.url, 'enrol@mfa.test');
    const enrolment = await enrolMfa(gateway.url, user.token);
    expect(enrolment.secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(enrolment.otpauthUri);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(enrolment.secret);
    expect(uri.searchParams.get('issuer')).toBe('Federation Gateway');
    expect(decodeURIComponent(uri.pathname)).toContain('enrol@mfa.test');
    const png = Buffer.from(enrolment.qrCodeDataUrl.replace(/^data:image\/png;base64,/, ''), 'base64');
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');

    expect((await signIn(gateway.url, 'enrol@mfa.test')).mfaRequired).toBe(false);
  });

  it("accepts the previous and next step's code (the library's window of 1) and refuses two steps away", async () => {
    for (const [email, offset, accepted] of [
      ['prev@mfa.test', -1, true],
      ['next@mfa.test', 1, true],
      ['prev2@mfa.test', -2, false],
      ['next2@mfa.test', 2, false],
    ] as const) {
      const user = await registerAndLogin(gateway.url, email);
      const { secret } = await enrolMfa(gateway.url, user.token);
      // Per code, so a step change during the loop (a loaded machine) cannot shift the offsets.
      await inMiddleOfStep(3_000);
      const confirmed = await confirmMfa(gateway.url, user.token, totpCode(secret, Date.now() + offset * STEP_MS));
      expect(confirmed.errors?.[0]?.message, `${offset} steps`).toBe(accepted ? undefined : 'Invalid verification code');
      if (accepted) expect(confirmed.data?.confirmMfa.recoveryCodes).toHaveLength(10);
    }
  });

  it('login with MFA answers a challenge and no token; verifyMfa answers tokens carrying mfa_verified and amr otp', async () => {
    await inMiddleOfStep();
    const user = await registerAndLogin(gateway.url, 'login@mfa.test');
    const { secret } = await enableMfa(gateway.url, user.token, Date.now() - STEP_MS);

    const first = await signIn(gateway.url, 'login@mfa.test');
    expect(first).toMatchObject({ mfaRequired: true, accessToken: null, refreshToken: null });
    expect(first.mfaChallenge).toMatch(/^mfa_/);

    const verified = await verifyMfa(gateway.url, first.mfaChallenge!, totpCode(secret));
    expect(verified.errors).toBeUndefined();
    const tokens = verified.data!.verifyMfa;
    expect(claimsOf(tokens.accessToken!)).toMatchObject({ mfa_verified: true, amr: ['pwd', 'otp'], sub: user.userId });
    expect(tokens.refreshToken).toMatch(/^rt_/);
    expect((await graphql(gateway.url, '{ me { id } }', {}, { token: tokens.accessToken! })).status).toBe(200);

    // A challenge is single use.
    const again = await verifyMfa(gateway.url, first.mfaChallenge!, totpCode(secret, Date.now() + STEP_MS));
    expect(again.status).toBe(401);
    expect(again.errors?.[0]?.message).toBe('Invalid MFA challenge');
  });

  it('a code already accepted is refused within its window, as is an earlier step; the next step is accepted', async () => {
    await inMiddleOfStep();
    const user = await registerAndLogin(gateway.url, 'replay@mfa.test');
    const { secret } = await enableMfa(gateway.url, user.token, Date.now() - STEP_MS);
    const current = totpCode(secret);

    expect((await verifyMfa(gateway.url, (await signIn(gateway.url, 'replay@mfa.test')).mfaChallenge!, current)).errors).toBeUndefined();
    const challenge = (await signIn(gateway.url, 'replay@mfa.test')).mfaChallenge!;
    const replay = await verifyMfa(gateway.url, challenge, current);
    expect(replay.status).toBe(401);
    expect(replay.errors?.[0]?.message).toBe('This code was already used; wait for the next one');
    expect((await verifyMfa(gateway.url, challenge, totpCode(secret, Date.now() - STEP_MS))).status).toBe(401);
    // The refusals left the challenge usable.
    expect((await verifyMfa(gateway.url, challenge, totpCode(secret, Date.now() + STEP_MS))).errors).toBeUndefined();
  });

  it("a password alone does not read the owner's fields in the login response once MFA is enabled", async () => {
    const user = await registerAndLogin(gateway.url, 'owner-view@mfa.test');
    await enableMfa(gateway.url, user.token);
    const result = await graphql(gateway.url, 'mutation($input: LoginInput!) { login(input: $input) { mfaRequired user { email apiKeys { name } } } }', {
      input: { email: 'owner-view@mfa.test', password: 'correct horse battery' },
    });
    expect(firstErrorCode(result)).toBe('AUTHENTICATION_REQUIRED');
    expect(JSON.stringify(result.data ?? null)).not.toContain('owner-view@mfa.test');
  });

  it('recovery codes stand in for a code once each', async () => {
    const user = await registerAndLogin(gateway.url, 'recovery@mfa.test');
    const { recoveryCodes } = await enableMfa(gateway.url, user.token);
    const [code] = recoveryCodes as [string];
    expect(code).toMatch(/^[A-Z2-7]{5}-[A-Z2-7]{5}$/);
    expect((await verifyMfa(gateway.url, (await signIn(gateway.url, 'recovery@mfa.test')).mfaChallenge!, code.toLowerCase())).errors).toBeUndefined();
    const reused = await verifyMfa(gateway.url, (await signIn(gateway.url, 'recovery@mfa.test')).mfaChallenge!, code);
    expect(reused.status).toBe(401);
    expect(reused.errors?.[0]?.message).toBe('Invalid verification code');
  });

  it('malformed codes and made-up challenges get a clear 4xx', async () => {
    const user = await registerAndLogin(gateway.url, 'malformed@mfa.test');
    await enableMfa(gateway.url, user.token);
    const challenge = (await signIn(gateway.url, 'malformed@mfa.test')).mfaChallenge!;
    const short = await verifyMfa(gateway.url, challenge, '12');
    expect([short.status, firstErrorCode(short)]).toEqual([400, 'VALIDATION_ERROR']);
    const letters = await verifyMfa(gateway.url, challenge, 'abcdef');
    expect([letters.status, letters.errors?.[0]?.message]).toEqual([401, 'Invalid verification code']);
    const madeUp = await verifyMfa(gateway.url, 'mfa_made-up', '123456');
    expect([madeUp.status, madeUp.errors?.[0]?.message]).toEqual([401, 'Invalid MFA challenge']);
  });

  it('disabling needs a valid code; a wrong one changes nothing', async () => {
    await inMiddleOfStep();
    const user = await registerAndLogin(gateway.url, 'disable@mfa.test');
    const { secret, recoveryCodes } = await enableMfa(gateway.url, user.token, Date.now() - STEP_MS);
    const token = (await signInWithCode(gateway.url, 'disable@mfa.test', recoveryCodes[0]!)).accessToken!;
    const wrong = await graphql(gateway.url, DISABLE, { code: '000000' === totpCode(secret) ? '111111' : '000000' }, { token });
    expect(wrong.status).toBe(401);
    expect((await signIn(gateway.url, 'disable@mfa.test')).mfaRequired).toBe(true);
    expect((await graphql(gateway.url, DISABLE, { code: totpCode(secret) }, { token })).data?.disableMfa).toBe(true);
    expect((await signIn(gateway.url, 'disable@mfa.test')).mfaRequired).toBe(false);
  });

  it('codes are throttled like passwords: the eleventh wrong code within 15 minutes is a 429', async () => {
    const user = await registerAndLogin(gateway.url, 'throttle@mfa.test');
    const { secret } = await enrolMfa(gateway.url, user.token);
    const wrong = totpCode(secret, Date.now() + 10 * STEP_MS);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 11; attempt += 1) statuses.push((await confirmMfa(gateway.url, user.token, wrong)).status);
    expect(statuses.slice(0, 10).every((status) => status === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
    // Even the right code waits out the throttle.
    const right = await confirmMfa(gateway.url, user.token, totpCode(secret));
    expect(firstErrorCode(right)).toBe('RATE_LIMIT_EXCEEDED');
  });

  it('confirming a factor ends the sign-ins made without it; the admin then changes tiers with an MFA-verified token', async () => {
    const target = await registerAndLogin(gateway.url, 'target@mfa.test');
    const admin = await login(gateway.url, ADMIN.email, ADMIN.password);
    const { secret } = await enableMfa(gateway.url, admin.token);
    // Confirming ended the sign-ins made without the factor, this token's included.
    const refused = await graphql(gateway.url, SET_TIER, { id: target.userId, tier: 'pro' }, admin);
    expect(refused.status).toBe(401);
    expect(refused.errors?.[0]?.message).toBe('Token has been revoked');
    const challenge = (await signIn(gateway.url, ADMIN.email, ADMIN.password)).mfaChallenge!;
    const verified = (await verifyMfa(gateway.url, challenge, totpCode(secret, Date.now() + STEP_MS))).data!.verifyMfa;
    const allowed = await graphql(gateway.url, SET_TIER, { id: target.userId, tier: 'pro' }, { token: verified.accessToken! });
    expect(allowed.data?.setUserTier.tier).toBe('pro');
  });
});
