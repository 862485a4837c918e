import { z } from 'zod';
import { ok, route, type BridgeRoute } from '../bridge-route.ts';

const credentials = z.object({ email: z.string().min(1), password: z.string().min(1) });
const tier = z.enum(['free', 'pro', 'enterprise', 'admin']);
const userSummary = z.object({ user_id: z.string(), email: z.string(), tier });

type User = { id: string; email: string; tier: string };
const userOf = (user: User) => ({ user_id: user.id, email: user.email, tier: user.tier });

/** What a sign-in answers: tokens, or (with a second factor enrolled) a challenge for /auth/mfa/verify. */
const signIn = z.object({
  access_token: z.string().nullable(),
  token_type: z.literal('bearer'),
  expires_in: z.number().int().nullable(),
  refresh_token: z.string().nullable(),
  refresh_expires_at: z.string().nullable(),
  mfa_required: z.boolean(),
  mfa_challenge: z.string().nullable(),
  mfa_challenge_expires_at: z.string().nullable(),
  mfa_enrolment_required: z.boolean(),
  user: userSummary,
});
const SIGN_IN_FIELDS =
  'accessToken tokenType expiresIn refreshToken refreshExpiresAt mfaRequired mfaChallenge mfaChallengeExpiresAt mfaEnrolmentRequired account { id email tier }';
type SignIn = {
  accessToken: string | null;
  expiresIn: number | null;
  refreshToken: string | null;
  refreshExpiresAt: string | null;
  mfaRequired: boolean;
  mfaChallenge: string | null;
  mfaChallengeExpiresAt: string | null;
  mfaEnrolmentRequired: boolean;
  account: User;
};
const signInOf = (payload: SignIn) => ({
  access_token: payload.accessToken,
  token_type: 'bearer',
  expires_in: payload.expiresIn,
  refresh_token: payload.refreshToken,
  refresh_expires_at: payload.refreshExpiresAt,
  mfa_required: payload.mfaRequired,
  mfa_challenge: payload.mfaChallenge,
  mfa_challenge_expires_at: payload.mfaChallengeExpiresAt,
  mfa_enrolment_required: payload.mfaEnrolmentRequired,
  user: userOf(payload.account),
});
const code = z.object({ code: z.string().min(1) });

/** 100X identity routes (seed 001). */
export const AUTH_ROUTES: readonly BridgeRoute[] = [
  route({
    method: 'POST',
    path: '/auth/register',
    tag: 'auth',
    auth: 'none',
    summary: 'Create a free-tier user (REGISTRATION_ENABLED)',
    body: credentials,
    response: userSummary.extend({ created_at: z.string() }),
    successStatus: 201,
    operation: ({ body }) => ({
      document: 'mutation RestRegister($input: RegisterInput!) { register(input: $input) { id email tier createdAt } }',
      variables: { input: body },
    }),
    result: ({ register }) => ok({ ...userOf(register), created_at: register.createdAt }, 201, 'User registered'),
  }),
  route({
    method: 'POST',
    path: '/auth/login',
    tag: 'auth',
    auth: 'none',
    summary: 'Exchange email and password for an access and a refresh token (or an MFA challenge)',
    body: credentials,
    response: signIn,
    operation: ({ body }) => ({
      document: `mutation RestLogin($input: LoginInput!) { login(input: $input) { ${SIGN_IN_FIELDS} } }`,
      variables: { input: body },
    }),
    result: ({ login }) => signInOf(login),
  }),
  route({
    method: 'POST',
    path: '/auth/refresh',
    tag: 'auth',
    auth: 'none',
    summary: 'Trade a refresh token for the next access and refresh token (single use; a reused one revokes the sign-in). An expired access token may be sent along (it must be validly signed and of the same account); none is needed',
    body: z.object({ refresh_token: z.string().min(1) }),
    response: signIn,
    operation: ({ body }) => ({
      document: `mutation RestRefresh($token: String!) { refreshToken(refreshToken: $token) { ${SIGN_IN_FIELDS} } }`,
      variables: { token: body.refresh_token },
    }),
    result: ({ refreshToken }) => signInOf(refreshToken),
  }),
  route({
    method: 'POST',
    path: '/auth/mfa/verify',
    tag: 'auth',
    auth: 'none',
    summary: "Finish a sign-in that answered mfa_required, with a TOTP or recovery code",
    body: z.object({ challenge: z.string().min(1), code: z.string().min(1) }),
    response: signIn,
    operation: ({ body }) => ({
      document: `mutation RestVerifyMfa($challenge: String!, $code: String!) { verifyMfa(challenge: $challenge, code: $code) { ${SIGN_IN_FIELDS} } }`,
      variables: { challenge: body.challenge, code: body.code },
    }),
    result: ({ verifyMfa }) => signInOf(verifyMfa),
  }),
  route({
    method: 'POST',
    path: '/auth/mfa/enrol',
    tag: 'auth',
    summary: 'Start TOTP enrolment: the secret (shown once), its otpauth:// URI and a QR code PNG data URL',
    response: z.object({ secret: z.string(), otpauth_uri: z.string(), qr_code_data_url: z.string() }),
    operation: () => ({ document: 'mutation RestEnrolMfa { enrolMfa { secret otpauthUri qrCodeDataUrl } }', variables: {} }),
    result: ({ enrolMfa }) => ({ secret: enrolMfa.secret, otpauth_uri: enrolMfa.otpauthUri, qr_code_data_url: enrolMfa.qrCodeDataUrl }),
  }),
  route({
    method: 'POST',
    path: '/auth/mfa/confirm',
    tag: 'auth',
    summary: 'Activate the enrolled factor with a current code; answers single-use recovery codes (shown once)',
    body: code,
    response: z.object({ recovery_codes: z.array(z.string()) }),
    operation: ({ body }) => ({ document: 'mutation RestConfirmMfa($code: String!) { confirmMfa(code: $code) { recoveryCodes } }', variables: { code: body.code } }),
    result: ({ confirmMfa }) => ({ recovery_codes: confirmMfa.recoveryCodes }),
  }),
  route({
    method: 'POST',
    path: '/auth/mfa/disable',
    tag: 'auth',
    summary: 'Remove the second factor; needs a current TOTP or recovery code',
    body: code,
    response: z.object({ disabled: z.boolean() }),
    operation: ({ body }) => ({ document: 'mutation RestDisableMfa($code: String!) { disableMfa(code: $code) }', variables: { code: body.code } }),
    result: ({ disableMfa }) => ({ disabled: disableMfa }),
  }),
  route({
    method: 'POST',
    path: '/auth/verify',
    tag: 'auth',
    summary: "The presented credential's user and expiry",
    response: z.object({
      valid: z.boolean(),
      kind: z.string(),
      user: userSummary,
      tier,
      scopes: z.array(z.string()),
      expires_at: z.string().nullable(),
    }),
    operation: () => ({ document: 'query RestVerify { verify { valid kind tier scopes expiresAt user { id email tier } } }', variables: {} }),
    result: ({ verify }) => ({ valid: verify.valid, kind: verify.kind, user: userOf(verify.user), tier: verify.tier, scopes: verify.scopes, expires_at: verify.expiresAt }),
  }),
  route({
    method: 'POST',
    path: '/auth/logout',
    tag: 'auth',
    summary: 'Revoke the access token used for this call and its refresh family',
    response: z.object({ revoked: z.boolean() }),
    operation: () => ({ document: 'mutation RestLogout { logout }', variables: {} }),
    result: ({ logout }) => ({ revoked: logout }),
  }),
];
