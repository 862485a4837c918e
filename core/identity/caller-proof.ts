import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import { z } from 'zod';
import { SCOPES } from '../../schema/scopes.ts';
import { TIER_NAMES } from '../../schema/tiers.ts';
import type { ProvenCaller } from './proven-callers.ts';

/**
 * How a subgraph tells the edge, in its response's `extensions`, that the caller
 * proved to be a user during this fetch (a login). The edge then carries the proven
 * caller in the internal tokens of the request's later fetches, so fields other
 * subgraphs own (`User.apiKeys`) follow the same owner rule. Signed with the internal
 * token secret, under its own issuer and audience, so neither token passes for the other.
 */
export const CALLER_PROOF_EXTENSION = 'provenCallers';
const ISSUER = 'subgraphs';
const AUDIENCE = 'gateway-edge';
const ALGORITHM = 'HS256';
const TTL_SECONDS = 60;

const provenCaller = z.object({ userId: z.string(), tier: z.enum(TIER_NAMES), scopes: z.array(z.enum(SCOPES)) });
export const provenCallersClaim = z.array(provenCaller);

export interface CallerProofs {
  sign(callers: readonly ProvenCaller[]): Promise<string>;
  /** Null when the proof is forged, expired or malformed: such a proof grants nothing. */
  verify(proof: unknown): Promise<readonly ProvenCaller[] | null>;
}

export function callerProofs(secret: Uint8Array): CallerProofs {
  return {
    sign: (callers) =>
      new SignJWT({ callers })
        .setProtectedHeader({ alg: ALGORITHM })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${TTL_SECONDS}s`)
        .sign(secret),

    async verify(proof) {
      if (typeof proof !== 'string') return null;
      try {
        const { payload } = await jwtVerify(proof, secret, { algorithms: [ALGORITHM], issuer: ISSUER, audience: AUDIENCE, requiredClaims: ['exp'] });
        return provenCallersClaim.parse(payload['callers']);
      } catch (error) {
        if (error instanceof joseErrors.JOSEError || error instanceof z.ZodError) return null;
        throw error;
      }
    },
  };
}

/** The response `extensions` that carry this fetch's proof, or none when nobody was proven. */
export async function proofExtensions(proofs: CallerProofs, callers: readonly ProvenCaller[]): Promise<Record<string, string> | undefined> {
  return callers.length === 0 ? undefined : { [CALLER_PROOF_EXTENSION]: await proofs.sign(callers) };
}
