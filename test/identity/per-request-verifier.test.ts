import { describe, expect, it } from 'vitest';
import { edgeContext } from '../../gateway/executor/edge-context.ts';
import { perRequestVerifier } from '../../gateway/executor/per-request-verifier.ts';
import { internalTokens } from '../../core/identity/internal-token.ts';

describe('internal token checks for in-process subgraphs', () => {
  const tokens = internalTokens({ secret: new TextEncoder().encode('x'.repeat(32)) });

  it('verify once per client request, however many fetches its plan makes', async () => {
    let verifications = 0;
    const counted = {
      ...tokens,
      verify: async (token: string | undefined | null) => {
        verifications += 1;
        return tokens.verify(token);
      },
    };
    const verify = perRequestVerifier(counted);
    const request = edgeContext(null, 'req_1', '10.0.0.1', tokens.sign);
    const calls = await Promise.all([verify(request), verify(request), verify(request)]);
    expect(verifications).toBe(1);
    expect(calls[0]).toEqual({ principal: null, requestId: 'req_1', clientAddress: '10.0.0.1' });
    await verify(edgeContext(null, 'req_2', '10.0.0.1', tokens.sign));
    expect(verifications).toBe(2);
  });

  it('still refuse a request without a valid token', async () => {
    const verify = perRequestVerifier(tokens);
    await expect(verify({})).rejects.toMatchObject({ extensions: { code: 'AUTHENTICATION_REQUIRED' } });
    const forged = edgeContext(null, 'req_3', '10.0.0.1', async () => 'not-a-token');
    await expect(verify(forged)).rejects.toMatchObject({ extensions: { code: 'AUTHENTICATION_REQUIRED' } });
  });
});
