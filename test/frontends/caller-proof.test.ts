import { describe, expect, it } from 'vitest';
import { callerProofs } from '../../core/identity/caller-proof.ts';
import { internalTokens } from '../../core/identity/internal-token.ts';

const secret = new TextEncoder().encode('caller-proof-test-secret-0123456789abcdef');
const caller = { userId: '6a4c1f0e-2b1d-4c55-9f0e-0c7f4f2a9b11', tier: 'free', scopes: ['read:keys'] } as const;

describe('caller proofs', () => {
  it('round-trip under the internal secret and carry into an internal token', async () => {
    const proofs = callerProofs(secret);
    expect(await proofs.verify(await proofs.sign([caller]))).toEqual([caller]);
    const tokens = internalTokens({ secret });
    const call = await tokens.verify(await tokens.sign({ principal: null, requestId: 'req_1', clientAddress: null, provenCallers: [caller] }));
    expect(call.provenCallers).toEqual([caller]);
  });

  it('grant nothing when forged, or when an internal token is passed off as one (and the reverse)', async () => {
    const proofs = callerProofs(secret);
    const forged = await callerProofs(new TextEncoder().encode('another-secret-0123456789abcdef0123456789')).sign([caller]);
    expect(await proofs.verify(forged)).toBeNull();
    expect(await proofs.verify({ callers: [caller] })).toBeNull();
    const tokens = internalTokens({ secret });
    expect(await proofs.verify(await tokens.sign({ principal: null, requestId: 'req_2', clientAddress: null }))).toBeNull();
    await expect(tokens.verify(await proofs.sign([caller]))).rejects.toMatchObject({ extensions: { code: 'AUTHENTICATION_REQUIRED' } });
  });
});
