import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import { z } from 'zod';
import { SCOPES } from '../../schema/scopes.ts';
import { TIER_NAMES } from '../../schema/tiers.ts';
import { unauthenticated } from '../errors/errors.ts';
import type { Principal } from './principal.ts';
import { callerProofs, provenCallersClaim, type CallerProofs } from './caller-proof.ts';
import type { ProvenCaller } from './proven-callers.ts';

/**
 * The short-lived token the edge signs for every subgraph fetch. Subgraphs trust
 * nothing else: not a bare header, not the network they sit on.
 */
export const INTERNAL_TOKEN_HEADER = 'x-internal-token';
const ISSUER = 'gateway-edge';
const AUDIENCE = 'subgraphs';
const ALGORITHM = 'HS256';

export interface InternalTokenOptions {
  /** Shared by the edge and every subgraph process (INTERNAL_TOKEN_SECRET). */
  readonly secret: Uint8Array;
  /** @default 60 */
  readonly ttlSeconds?: number;
}

export interface InternalCall {
  readonly principal: Principal | null;
  readonly requestId: string;
  /** The client's address as the edge saw it (login throttling keys on it). */
  readonly clientAddress: string | null;
  /** Users the caller proved to be earlier in this request (a login), see caller-proof.ts. */
  readonly provenCallers?: readonly ProvenCaller[];
  /** The automations whose action this call runs, oldest first (the loop guard, see PlatformEvent.causedBy). */
  readonly causedBy?: readonly string[];
}

const principalClaim = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('user'),
    userId: z.string(),
    tier: z.enum(TIER_NAMES),
    scopes: z.array(z.enum(SCOPES)),
    tokenId: z.string(),
    expiresAt: z.number(),
    mfaVerified: z.boolean().default(false),
    mfaRequired: z.boolean().default(false),
  }),
  z.object({
    kind: z.literal('apiKey'),
    userId: z.string(),
    keyId: z.string(),
    tier: z.enum(TIER_NAMES),
    scopes: z.array(z.enum(SCOPES)),
    expiresAt: z.number().nullable(),
    limits: z.object({ perMinute: z.number().nullable(), perHour: z.number().nullable() }),
  }),
]);

const claims = z.object({
  principal: principalClaim.nullable(),
  rid: z.string(),
  addr: z.string().nullable().default(null),
  proven: provenCallersClaim.default([]),
  cause: z.array(z.string()).max(64).default([]),
});

export interface InternalTokens {
  sign(call: InternalCall): Promise<string>;
  /** Throws AUTHENTICATION_REQUIRED when the token is missing, forged or expired. */
  verify(token: string | undefined | null): Promise<InternalCall>;
  /** Subgraph → edge proofs that the caller signed in as a user, under the same secret. */
  readonly proofs: CallerProofs;
}

export function internalTokens(options: InternalTokenOptions): InternalTokens {
  const ttl = options.ttlSeconds ?? 60;
  return {
    proofs: callerProofs(options.secret),
    sign: ({ principal, requestId, clientAddress, provenCallers, causedBy }) =>
      new SignJWT({
        principal,
        rid: requestId,
        addr: clientAddress,
        ...(provenCallers?.length ? { proven: provenCallers } : {}),
        ...(causedBy?.length ? { cause: causedBy } : {}),
      })
        .setProtectedHeader({ alg: ALGORITHM })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${ttl}s`)
        .sign(options.secret),

    async verify(token) {
      if (!token) throw unauthenticated('Subgraphs accept calls from the gateway only');
      try {
        const { payload } = await jwtVerify(token, options.secret, {
          algorithms: [ALGORITHM],
          issuer: ISSUER,
          audience: AUDIENCE,
          requiredClaims: ['exp'],
        });
        const parsed = claims.parse(payload);
        return {
          principal: parsed.principal,
          requestId: parsed.rid,
          clientAddress: parsed.addr,
          ...(parsed.proven.length > 0 ? { provenCallers: parsed.proven } : {}),
          ...(parsed.cause.length > 0 ? { causedBy: parsed.cause } : {}),
        };
      } catch (error) {
        if (error instanceof joseErrors.JOSEError || error instanceof z.ZodError) {
          throw unauthenticated('Subgraphs accept calls from the gateway only');
        }
        throw error;
      }
    },
  };
}
