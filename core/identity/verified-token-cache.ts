/**
 * Claims of access tokens already verified, until they expire: a signature
 * check (and claim parsing) per request is the edge's largest fixed cost, and a
 * token's claims cannot change. Only tokens that verified are kept, so the
 * entries cost an attacker a valid signature each; the size is bounded anyway,
 * oldest out first. Revocation is checked by the caller on every request.
 */
export interface VerifiedTokenCache<T extends { readonly expiresAt: number }> {
  get(token: string): T | undefined;
  set(token: string, claims: T): void;
}

export interface VerifiedTokenCacheOptions {
  /** @default 10000 */
  readonly maxEntries?: number;
  /** Unix seconds now. @default the wall clock */
  readonly now?: () => number;
}

export function verifiedTokenCache<T extends { readonly expiresAt: number }>(options: VerifiedTokenCacheOptions = {}): VerifiedTokenCache<T> {
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? (() => Date.now() / 1000);
  const entries = new Map<string, T>();
  return {
    get(token) {
      const claims = entries.get(token);
      if (claims === undefined) return undefined;
      if (claims.expiresAt <= now()) {
        entries.delete(token);
        return undefined;
      }
      return claims;
    },
    set(token, claims) {
      if (entries.size >= maxEntries) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
      entries.set(token, claims);
    },
  };
}
