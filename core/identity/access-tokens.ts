import { randomUUID } from 'node:crypto';
import {
  calculateJwkThumbprint,
  errors as joseErrors,
  exportJWK,
  importPKCS8,
  importSPKI,
  jwtVerify,
  SignJWT,
  type CryptoKey,
  type JSONWebKeySet,
  type JWTPayload,
} from 'jose';
import { z } from 'zod';
import { tokenExpired, unauthenticated } from '../errors/errors.ts';
import { SCOPES, type Scope } from '../../schema/scopes.ts';
import { TIER_NAMES, type Tier } from '../../schema/tiers.ts';
import type { Principal } from './principal.ts';
import { subjectClaim } from './subject-claim.ts';
import { verifiedTokenCache } from './verified-token-cache.ts';

export type JwtKeyConfig =
  | { algorithm: 'HS256'; secret: Uint8Array; generated: boolean }
  | { algorithm: 'EdDSA' | 'RS256'; privateKeyPem: string; publicKeyPem: string };

export interface JwtConfig {
  readonly keys: JwtKeyConfig;
  readonly issuer: string;
  readonly audience: string;
  readonly ttlSeconds: number;
}

/** What a verified access token says about its holder: a user principal without its kind. */
export type AccessClaims = Omit<Extract<Principal, { kind: 'user' }>, 'kind'>;

/** Who a token is for and how they signed in. */
export interface TokenSubject {
  readonly userId: string;
  readonly tier: Tier;
  readonly scopes: readonly Scope[];
  /** @default false */
  readonly mfaVerified?: boolean;
  /** @default false */
  readonly mfaRequired?: boolean;
}

export interface IssuedToken {
  readonly token: string;
  readonly tokenId: string;
  readonly expiresIn: number;
  readonly expiresAt: Date;
}

export interface AccessTokens {
  issue(subject: TokenSubject): Promise<IssuedToken>;
  /**
   * Throws AUTHENTICATION_REQUIRED for anything but a well-formed, unexpired token of the
   * configured algorithm (`reason: TOKEN_EXPIRED` when only the expiry fails).
   * `acceptExpired` skips the expiry alone (signature, algorithm, issuer, audience still hold):
   * for a refresh, whose caller's token has expired by design.
   */
  verify(token: string, options?: { readonly acceptExpired?: boolean }): Promise<AccessClaims>;
  /** The public keys for `/.well-known/jwks.json`; null with a shared secret. */
  jwks(): Promise<JSONWebKeySet | null>;
}

const customClaims = z.object({
  sub: subjectClaim,
  jti: z.string().min(1),
  exp: z.number(),
  tier: z.enum(TIER_NAMES),
  scopes: z.array(z.enum(SCOPES)),
  // RFC 8176 authentication methods; tokens issued before MFA existed carry none.
  amr: z.array(z.string()).default(['pwd']),
  mfa_verified: z.boolean().default(false),
  mfa_required: z.boolean().default(false),
});

interface KeyPair {
  readonly signing: Uint8Array | CryptoKey;
  readonly verifying: Uint8Array | CryptoKey;
  readonly kid: string | undefined;
  readonly publicJwk: Record<string, unknown> | null;
}

async function loadKeys(config: JwtConfig): Promise<KeyPair> {
  const keys = config.keys;
  if (keys.algorithm === 'HS256') return { signing: keys.secret, verifying: keys.secret, kid: undefined, publicJwk: null };
  const signing = await importPKCS8(keys.privateKeyPem, keys.algorithm);
  const verifying = await importSPKI(keys.publicKeyPem, keys.algorithm, { extractable: true });
  const jwk = await exportJWK(verifying);
  const kid = await calculateJwkThumbprint(jwk);
  return { signing, verifying, kid, publicJwk: { ...jwk, kid, alg: keys.algorithm, use: 'sig' } };
}

export async function accessTokens(config: JwtConfig): Promise<AccessTokens> {
  const algorithm = config.keys.algorithm;
  const keys = await loadKeys(config);
  const verified = verifiedTokenCache<AccessClaims>();

  return {
    async issue({ userId, tier, scopes, mfaVerified = false, mfaRequired = false }) {
      const tokenId = randomUUID();
      const now = Math.floor(Date.now() / 1000);
      const expiresAt = now + config.ttlSeconds;
      const token = await new SignJWT({
        tier,
        scopes: [...scopes],
        amr: mfaVerified ? ['pwd', 'otp'] : ['pwd'],
        mfa_verified: mfaVerified,
        mfa_required: mfaRequired,
      } satisfies JWTPayload)
        .setProtectedHeader(keys.kid ? { alg: algorithm, kid: keys.kid, typ: 'JWT' } : { alg: algorithm, typ: 'JWT' })
        .setSubject(userId)
        .setJti(tokenId)
        .setIssuer(config.issuer)
        .setAudience(config.audience)
        .setIssuedAt(now)
        .setExpirationTime(expiresAt)
        .sign(keys.signing);
      return { token, tokenId, expiresIn: config.ttlSeconds, expiresAt: new Date(expiresAt * 1000) };
    },

    async verify(token, { acceptExpired = false } = {}) {
      const known = verified.get(token);
      if (known) return known;
      try {
        const { payload } = await jwtVerify(token, keys.verifying, {
          // Pinning the one configured algorithm is what refuses `none` and HS/RS confusion.
          algorithms: [algorithm],
          issuer: config.issuer,
          audience: config.audience,
          requiredClaims: ['sub', 'jti', 'exp', 'iat'],
          // Seconds: any age of expiry passes; a refresh token still decides whether anything is issued.
          ...(acceptExpired ? { clockTolerance: Number.MAX_SAFE_INTEGER } : {}),
        });
        const claims = customClaims.parse(payload);
        const accessClaims: AccessClaims = Object.freeze({ userId: claims.sub, tier: claims.tier, scopes: Object.freeze(claims.scopes), tokenId: claims.jti, expiresAt: claims.exp, mfaVerified: claims.mfa_verified, mfaRequired: claims.mfa_required });
        if (!acceptExpired) verified.set(token, accessClaims);
        return accessClaims;
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) throw tokenExpired();
        if (error instanceof joseErrors.JOSEError || error instanceof z.ZodError) throw unauthenticated('Invalid token');
        throw error;
      }
    },

    async jwks() {
      return keys.publicJwk ? { keys: [keys.publicJwk] } : null;
    },
  };
}
