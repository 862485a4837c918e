import { describe, expect, it } from 'vitest';
import { accessTokens } from '../../core/identity/access-tokens.ts';
import { testConfig } from '../support/gateway-harness.ts';

// A subject is whatever its issuer calls the user; the gateway keeps it as text (usage
// records, limits), so a token is refused only when its subject cannot be a key at all.
describe('the subject (sub) of an access token', () => {
  const tokensFor = async (userId: string) => {
    const tokens = await accessTokens(testConfig().jwt);
    return { tokens, token: (await tokens.issue({ userId, tier: 'free', scopes: [] })).token };
  };

  it.each(['auth0|5f7c8ec7c33c6c004bbafe82', '00u1ab2c3DEF4gh5i6j7', '110169484474386276334', 'f:7c1d3a0e:alice@example.com', 'x'.repeat(255)])(
    'accepts %s as it is',
    async (subject) => {
      const { tokens, token } = await tokensFor(subject);
      expect((await tokens.verify(token)).userId).toBe(subject);
    },
  );

  it.each([
    ['longer than 255 characters (OpenID Connect)', 'x'.repeat(256)],
    ['holding a NUL byte', 'auth0|abc\u0000def'],
    ['holding a line break', 'auth0|abc\ndef'],
  ])('refuses a subject %s as an invalid token', async (_what, subject) => {
    const { tokens, token } = await tokensFor(subject);
    await expect(tokens.verify(token)).rejects.toMatchObject({ extensions: { code: 'AUTHENTICATION_REQUIRED' } });
  });
});
