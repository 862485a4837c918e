import { describe, expect, it } from 'vitest';
import { passwordHasher } from '../../subgraphs/auth/passwords.ts';

describe('password hashing', () => {
  const hasher = passwordHasher({ cost: 1024 });

  it('stores scrypt with its parameters and a fresh salt, never the password', async () => {
    const first = await hasher.hash('correct horse');
    const second = await hasher.hash('correct horse');
    expect(first).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(first).not.toBe(second);
    expect(first).not.toContain('correct horse');
  });

  it('verifies the right password only', async () => {
    const stored = await hasher.hash('correct horse');
    expect(await hasher.verify('correct horse', stored)).toBe(true);
    expect(await hasher.verify('wrong horse', stored)).toBe(false);
    expect(await hasher.verify('correct horse', 'sha256$abc')).toBe(false);
  });

  it('uses a memory-hard default cost', async () => {
    expect(await passwordHasher().hash('x')).toMatch(/^scrypt\$32768\$8\$1\$/);
  });
});
