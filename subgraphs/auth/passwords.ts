import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * scrypt (memory-hard, in Node's core, no native addon to build). Parameters are
 * stored with each hash so they can be raised later without breaking old ones.
 */
export interface PasswordHasherOptions {
  /** CPU/memory cost. @default 32768 (32 MiB per hash with r=8) */
  readonly cost?: number;
  /** @default 8 */
  readonly blockSize?: number;
  /** @default 1 */
  readonly parallelization?: number;
}

const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, options: Required<PasswordHasherOptions>): Promise<Buffer> {
  const params: ScryptOptions = {
    N: options.cost,
    r: options.blockSize,
    p: options.parallelization,
    maxmem: 256 * options.cost * options.blockSize,
  };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, params, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
  /** Costs the same as a real check; used when the account does not exist, so timing reveals nothing. */
  burn(password: string): Promise<void>;
}

export function passwordHasher(options: PasswordHasherOptions = {}): PasswordHasher {
  const resolved: Required<PasswordHasherOptions> = {
    cost: options.cost ?? 32_768,
    blockSize: options.blockSize ?? 8,
    parallelization: options.parallelization ?? 1,
  };
  const dummySalt = randomBytes(16);
  return {
    async hash(password) {
      const salt = randomBytes(16);
      const key = await derive(password, salt, resolved);
      const { cost, blockSize, parallelization } = resolved;
      return `scrypt$${cost}$${blockSize}$${parallelization}$${salt.toString('base64')}$${key.toString('base64')}`;
    },
    async verify(password, stored) {
      const [scheme, cost, blockSize, parallelization, salt, key] = stored.split('$');
      if (scheme !== 'scrypt' || !salt || !key) return false;
      const expected = Buffer.from(key, 'base64');
      const actual = await derive(password, Buffer.from(salt, 'base64'), {
        cost: Number(cost),
        blockSize: Number(blockSize),
        parallelization: Number(parallelization),
      });
      return expected.length === actual.length && timingSafeEqual(expected, actual);
    },
    async burn(password) {
      await derive(password, dummySalt, resolved);
    },
  };
}
