import { describe, expect, it } from 'vitest';
import { verifiedTokenCache } from '../../core/identity/verified-token-cache.ts';

describe('verified access tokens', () => {
  it('are trusted until they expire, then verified again', () => {
    let now = 1000;
    const cache = verifiedTokenCache<{ expiresAt: number; sub: string }>({ now: () => now });
    cache.set('token-a', { expiresAt: 1060, sub: 'a' });
    expect(cache.get('token-a')?.sub).toBe('a');
    now = 1060;
    expect(cache.get('token-a')).toBeUndefined();
    expect(cache.get('token-b')).toBeUndefined();
  });

  it('keep at most maxEntries, dropping the oldest', () => {
    const cache = verifiedTokenCache<{ expiresAt: number }>({ maxEntries: 2, now: () => 0 });
    cache.set('one', { expiresAt: 10 });
    cache.set('two', { expiresAt: 10 });
    cache.set('three', { expiresAt: 10 });
    expect(cache.get('one')).toBeUndefined();
    expect(cache.get('two')).toBeDefined();
    expect(cache.get('three')).toBeDefined();
  });
});
