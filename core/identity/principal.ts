import type { Scope } from '../../schema/scopes.ts';
import type { Tier } from '../../schema/tiers.ts';

/** Who is calling, as established once at the edge. */
export type Principal =
  | {
      readonly kind: 'user';
      readonly userId: string;
      readonly tier: Tier;
      readonly scopes: readonly Scope[];
      /** The access token's `jti`, so the holder can revoke it. */
      readonly tokenId: string;
      /** Unix seconds. */
      readonly expiresAt: number;
      /** The sign-in passed a second factor. */
      readonly mfaVerified: boolean;
      /** The account has a second factor or REQUIRE_MFA covers its tier. */
      readonly mfaRequired: boolean;
    }
  | {
      readonly kind: 'apiKey';
      readonly userId: string;
      readonly keyId: string;
      readonly tier: Tier;
      readonly scopes: readonly Scope[];
      readonly expiresAt: number | null;
      readonly limits: { readonly perMinute: number | null; readonly perHour: number | null };
    };

export function principalId(principal: Principal): string {
  return principal.kind === 'user' ? `user:${principal.userId}` : `key:${principal.keyId}`;
}
