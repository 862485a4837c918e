import { randomBytes } from 'node:crypto';

/** Standard Webhooks secrets: `whsec_` + base64 of 24–64 random bytes; we use 32. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';
const SECRET_BYTES = 32;

export function generateWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

/** The HMAC key: the base64 part decoded (the spec signs with the bytes, not the text). */
export function signingKeyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith(WEBHOOK_SECRET_PREFIX) ? secret.slice(WEBHOOK_SECRET_PREFIX.length) : secret, 'base64');
}
