import { createHash, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

/** RFC 6238 defaults every authenticator app understands: SHA-1, 6 digits, 30 s steps. */
export const TOTP_PERIOD_SECONDS = 30;
/** Steps accepted either side of now, for clock drift and typing time (otpauth's `window`). */
export const TOTP_WINDOW = 1;

const totpFor = (secret: string, issuer: string, label: string): TOTP =>
  new TOTP({ issuer, label, algorithm: 'SHA1', digits: 6, period: TOTP_PERIOD_SECONDS, secret: Secret.fromBase32(secret) });

export interface Enrolment {
  /** Base32, shown once. */
  readonly secret: string;
  readonly otpauthUri: string;
  /** A PNG of the URI as a `data:` URL, for authenticator apps to scan. */
  readonly qrCodeDataUrl: string;
}

// The QR encoder (with its PNG writer) is needed by enrolments only; it loads with the first.
const qrCodes = async () => (await import('qrcode')).default;

export async function newEnrolment(issuer: string, accountName: string): Promise<Enrolment> {
  const secret = new Secret({ size: 20 }).base32;
  const otpauthUri = totpFor(secret, issuer, accountName).toString();
  return { secret, otpauthUri, qrCodeDataUrl: await (await qrCodes()).toDataURL(otpauthUri) };
}

/** The time step a code belongs to, or null when it matches none within the window. */
export function matchingStep(secret: string, code: string, nowMs = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totpFor(secret, 'check', 'check').validate({ token: code, timestamp: nowMs, window: TOTP_WINDOW });
  if (delta === null) return null;
  return Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS) + delta;
}

/** Ten codes of 10 base32 characters (50 bits), grouped for reading: `ABCDE-FGHIJ`. */
export function newRecoveryCodes(count = 10): string[] {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return Array.from({ length: count }, () => {
    const chars = [...randomBytes(10)].map((byte) => alphabet[byte % 32]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** Recovery codes are random and long, so SHA-256 suffices (no password-style stretching needed). */
export const recoveryCodeHash = (code: string): string =>
  createHash('sha256').update(code.trim().toUpperCase().replace(/[\s-]/g, '')).digest('hex');

export const isRecoveryCodeShape = (code: string): boolean => /^[A-Z2-7]{5}-?[A-Z2-7]{5}$/i.test(code.trim());
