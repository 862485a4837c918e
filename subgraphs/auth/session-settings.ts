import type { Tier } from '../../schema/tiers.ts';

/** How sign-ins are kept and secured; from configuration. */
export interface SessionSettings {
  /** REFRESH_TOKEN_TTL in seconds: how long an unused refresh token stays valid. */
  readonly refreshTtlSeconds: number;
  /** REQUIRE_MFA: tiers whose users must enrol a second factor. */
  readonly requireMfaFor: readonly Tier[];
  /** MFA_ISSUER: the name authenticator apps show beside the account. */
  readonly mfaIssuer: string;
}

/** A password sign-in waits this long for its second factor. */
export const MFA_CHALLENGE_TTL_SECONDS = 300;
