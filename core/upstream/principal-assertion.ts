import { SignJWT } from 'jose';
import type { Principal } from '../identity/principal.ts';

/**
 * The caller's identity as an upstream sees it: a compact HS256 JWT in
 * `X-Gateway-Principal`, audience-bound to one upstream so a token captured by one
 * module cannot be replayed against another, and short-lived so a leaked one is
 * worth little. Upstreams verify it with the shared secret and trust nothing else.
 */

export const PRINCIPAL_ASSERTION_ISSUER = 'gateway';
export const PRINCIPAL_ASSERTION_ALGORITHM = 'HS256';

/** The claims an upstream can rely on. */
export interface PrincipalAssertionClaims {
  readonly sub: string;
  readonly kind: Principal['kind'];
  readonly tier: Principal['tier'];
  readonly scopes: readonly string[];
  /** Present only when the caller authenticated with an API key. */
  readonly key_id?: string;
  readonly iss: typeof PRINCIPAL_ASSERTION_ISSUER;
  /** The upstream's configured name. */
  readonly aud: string;
  readonly iat: number;
  readonly exp: number;
}

export interface PrincipalAssertionOptions {
  readonly secret: Uint8Array;
  /** The upstream's name, used as the audience. */
  readonly audience: string;
  /** @default 60 */
  readonly ttlSeconds?: number;
}

export function principalAssertion(options: PrincipalAssertionOptions): (principal: Principal) => Promise<string> {
  const ttlSeconds = options.ttlSeconds ?? 60;
  return (principal) => {
    const claims = {
      kind: principal.kind,
      tier: principal.tier,
      scopes: [...principal.scopes],
      ...(principal.kind === 'apiKey' ? { key_id: principal.keyId } : {}),
    };
    return new SignJWT(claims)
      .setProtectedHeader({ alg: PRINCIPAL_ASSERTION_ALGORITHM, typ: 'JWT' })
      .setSubject(principal.userId)
      .setIssuer(PRINCIPAL_ASSERTION_ISSUER)
      .setAudience(options.audience)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(options.secret);
  };
}
