import { expect } from 'vitest';
import { graphql, type Credentials, type GraphQLResult } from './graphql-client.ts';
import { msToNextStep, totpCode } from './totp-codes.ts';

export const SIGN_IN_FIELDS =
  'accessToken expiresIn refreshToken refreshExpiresAt mfaRequired mfaChallenge mfaChallengeExpiresAt mfaEnrolmentRequired user { id }';

export interface SignIn {
  accessToken: string | null;
  expiresIn: number | null;
  refreshToken: string | null;
  refreshExpiresAt: string | null;
  mfaRequired: boolean;
  mfaChallenge: string | null;
  mfaChallengeExpiresAt: string | null;
  mfaEnrolmentRequired: boolean;
  user: { id: string };
}

export async function signIn(baseUrl: string, email: string, password = 'correct horse battery'): Promise<SignIn> {
  const result = await graphql<{ login: SignIn }>(baseUrl, `mutation($input: LoginInput!) { login(input: $input) { ${SIGN_IN_FIELDS} } }`, { input: { email, password } });
  expect(result.errors).toBeUndefined();
  return result.data!.login;
}

export function refresh(baseUrl: string, refreshToken: string, credentials: Credentials = {}): Promise<GraphQLResult<{ refreshToken: SignIn }>> {
  return graphql(baseUrl, `mutation($t: String!) { refreshToken(refreshToken: $t) { ${SIGN_IN_FIELDS} } }`, { t: refreshToken }, credentials);
}

export function verifyMfa(baseUrl: string, challenge: string, code: string): Promise<GraphQLResult<{ verifyMfa: SignIn }>> {
  return graphql(baseUrl, `mutation($c: String!, $code: String!) { verifyMfa(challenge: $c, code: $code) { ${SIGN_IN_FIELDS} } }`, { c: challenge, code });
}

export async function enrolMfa(baseUrl: string, token: string): Promise<{ secret: string; otpauthUri: string; qrCodeDataUrl: string }> {
  const result = await graphql<{ enrolMfa: { secret: string; otpauthUri: string; qrCodeDataUrl: string } }>(
    baseUrl, 'mutation { enrolMfa { secret otpauthUri qrCodeDataUrl } }', {}, { token });
  expect(result.errors).toBeUndefined();
  return result.data!.enrolMfa;
}

export function confirmMfa(baseUrl: string, token: string, code: string): Promise<GraphQLResult<{ confirmMfa: { recoveryCodes: string[] } }>> {
  return graphql(baseUrl, 'mutation($code: String!) { confirmMfa(code: $code) { recoveryCodes } }', { code }, { token });
}

/** Enrols and confirms a factor with the code of `confirmAtMs` (which ends the account's sign-ins); answers the secret and the recovery codes. */
export async function enableMfa(baseUrl: string, token: string, confirmAtMs = Date.now()): Promise<{ secret: string; recoveryCodes: string[] }> {
  const { secret } = await enrolMfa(baseUrl, token);
  const confirmed = await confirmMfa(baseUrl, token, totpCode(secret, confirmAtMs));
  expect(confirmed.errors).toBeUndefined();
  return { secret, recoveryCodes: confirmed.data!.confirmMfa.recoveryCodes };
}

/** Both steps of an MFA sign-in; answers the tokens. */
export async function signInWithCode(baseUrl: string, email: string, code: string, password = 'correct horse battery'): Promise<SignIn> {
  const challenge = (await signIn(baseUrl, email, password)).mfaChallenge;
  expect(challenge).toBeTruthy();
  const verified = await verifyMfa(baseUrl, challenge!, code);
  expect(verified.errors).toBeUndefined();
  return verified.data!.verifyMfa;
}

/** Waits, when needed, so the next `marginMs` stay inside one 30 s step: edge tests must not straddle a step change. */
export async function inMiddleOfStep(marginMs = 8_000): Promise<void> {
  const left = msToNextStep();
  if (left < marginMs) await new Promise((resolve) => setTimeout(resolve, left + 200));
}

/** The claims of a JWT, read without verifying (the gateway already did). */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}
