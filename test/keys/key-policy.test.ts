import { describe, expect, it } from 'vitest';
import { displayPrefix, generateApiKey, hashApiKey, looksLikeApiKey } from '../../core/identity/api-key-format.ts';
import { grantFor, keyStatus } from '../../subgraphs/keys/key-policy.ts';
import { parseTier, tierAtLeast } from '../../schema/tiers.ts';

describe('API key format', () => {
  it('carries 256 random bits after the 100x_ prefix and is stored only as a SHA-256', () => {
    const key = generateApiKey();
    expect(looksLikeApiKey(key)).toBe(true);
    expect(Buffer.from(key.slice(5), 'base64url')).toHaveLength(32);
    expect(hashApiKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(displayPrefix(key)).toBe(`${key.slice(0, 13)}…`);
    expect(generateApiKey()).not.toBe(key);
  });
});

describe('key grants', () => {
  const ceiling = { ownerTier: 'pro' as const, callerTier: 'pro' as const, callerScopes: ['read:keys', 'write:keys'] as const };

  it("defaults to the caller's tier and scopes", () => {
    expect(grantFor({}, { ...ceiling, callerScopes: [...ceiling.callerScopes] })).toEqual({ tier: 'pro', scopes: ['read:keys', 'write:keys'] });
  });

  it('never exceeds the lower of owner and caller', () => {
    expect(() => grantFor({ tier: 'enterprise' }, { ...ceiling, callerScopes: [] })).toThrow(/cannot exceed/);
    expect(() => grantFor({ tier: 'pro' }, { ownerTier: 'free', callerTier: 'pro', callerScopes: [] })).toThrow(/your tier: 'free'/);
    expect(() => grantFor({ scopes: ['write:webhooks'] }, { ...ceiling, callerScopes: ['read:keys'] })).toThrow(/write:webhooks/);
    expect(grantFor({ tier: 'free', scopes: ['read:keys'] }, { ...ceiling, callerScopes: ['read:keys'] })).toEqual({ tier: 'free', scopes: ['read:keys'] });
  });

  it('reports status from revocation and expiry', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(keyStatus({ revokedAt: null, expiresAt: null }, now)).toBe('active');
    expect(keyStatus({ revokedAt: null, expiresAt: new Date('2025-12-31T00:00:00Z') }, now)).toBe('expired');
    expect(keyStatus({ revokedAt: now, expiresAt: null }, now)).toBe('revoked');
  });
});

describe('tiers', () => {
  it('orders free < pro < enterprise < admin and accepts the seed aliases', () => {
    expect(tierAtLeast('pro', 'free')).toBe(true);
    expect(tierAtLeast('pro', 'enterprise')).toBe(false);
    expect(parseTier('Premium')).toBe('pro');
    expect(parseTier('standard')).toBe('free');
    expect(parseTier('gold')).toBeUndefined();
  });
});
