import type { BridgeContext } from './bridge-context.ts';
import { totpCode } from '../support/totp-codes.ts';

// Sign-ins the auth route cases start from; each makes its own account, so cases stay independent.
let counter = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${(counter += 1)}`;

export const PASSWORD = 'correct horse battery';
export const dataOf = async <T>(response: Response): Promise<T> => ((await response.json()) as { data: T }).data;

/** A fresh account signed in over REST, with its refresh token. */
export const freshSignIn = async (context: BridgeContext): Promise<{ email: string; token: string; refresh: string }> => {
  const email = `${unique('mfa')}@bridge.test`;
  await context.call('POST', '/auth/register', { body: { email, password: PASSWORD } });
  const login = await dataOf<{ access_token: string; refresh_token: string }>(await context.call('POST', '/auth/login', { body: { email, password: PASSWORD } }));
  return { email, token: login.access_token, refresh: login.refresh_token };
};

/** A fresh account with a confirmed TOTP factor, signed in with it, and its unused recovery codes. */
export const mfaAccount = async (context: BridgeContext): Promise<{ email: string; token: string; recoveryCodes: string[] }> => {
  const account = await freshSignIn(context);
  const { secret } = await dataOf<{ secret: string }>(await context.call('POST', '/auth/mfa/enrol', { token: account.token }));
  const confirmed = await dataOf<{ recovery_codes: string[] }>(
    await context.call('POST', '/auth/mfa/confirm', { token: account.token, body: { code: totpCode(secret) } }),
  );
  // Confirming ended the password-only sign-in: sign in again with the first recovery code.
  const challenge = await dataOf<{ mfa_challenge: string }>(await context.call('POST', '/auth/login', { body: { email: account.email, password: PASSWORD } }));
  const [first, ...rest] = confirmed.recovery_codes;
  const verified = await dataOf<{ access_token: string }>(await context.call('POST', '/auth/mfa/verify', { body: { challenge: challenge.mfa_challenge, code: first } }));
  return { email: account.email, token: verified.access_token, recoveryCodes: rest };
};

