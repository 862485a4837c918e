import { Secret, TOTP } from 'otpauth';

/** The code an authenticator app would show for `secret` at `atMs`, computed independently of the gateway. */
export function totpCode(secret: string, atMs = Date.now()): string {
  return new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: atMs });
}

/** Milliseconds until the next 30 s step begins. */
export const msToNextStep = (nowMs = Date.now()): number => 30_000 - (nowMs % 30_000);
