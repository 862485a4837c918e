import { createHash, randomBytes } from 'node:crypto';

/** `100x_` + 32 random bytes in base64url (256 bits of entropy), as seed 001 clients expect. */
export const API_KEY_PREFIX = '100x_';
const RANDOM_BYTES = 32;
const DISPLAY_LENGTH = API_KEY_PREFIX.length + 8;
const KEY_PATTERN = /^100x_[A-Za-z0-9_-]{43}$/;

export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(RANDOM_BYTES).toString('base64url');
}

/** The only form in which a key is stored or looked up. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Enough to tell keys apart in a listing, far too little to use one. */
export function displayPrefix(key: string): string {
  return `${key.slice(0, DISPLAY_LENGTH)}…`;
}

export function looksLikeApiKey(value: string): boolean {
  return KEY_PATTERN.test(value);
}
