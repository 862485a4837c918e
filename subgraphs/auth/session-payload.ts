import { proveCaller } from '../../core/identity/proven-callers.ts';
import { asScopes } from '../../core/identity/scopes.ts';
import type { SubgraphContext } from '../../core/identity/subgraph-context.ts';
import type { Tier } from '../../schema/tiers.ts';
import type { SessionTokens } from './refresh-sessions.ts';

type PayloadUser = { id: string; email: string; tier: string; createdAt: Date };

/** An AuthPayload holding tokens. */
export function tokensPayload(tokens: SessionTokens, user: PayloadUser, mfaEnrolmentRequired: boolean) {
  return {
    accessToken: tokens.access.token,
    tokenType: 'bearer',
    expiresIn: tokens.access.expiresIn,
    expiresAt: tokens.access.expiresAt,
    refreshToken: tokens.refreshToken,
    refreshExpiresAt: tokens.refreshExpiresAt,
    mfaRequired: false,
    mfaChallenge: null,
    mfaChallengeExpiresAt: null,
    mfaEnrolmentRequired,
    user,
    account: user,
  };
}

/** An AuthPayload that holds no token yet: the password was right, the second factor is owed. */
export function challengePayload(challenge: { token: string; expiresAt: Date }, user: PayloadUser) {
  return {
    accessToken: null,
    tokenType: 'bearer',
    expiresIn: null,
    expiresAt: null,
    refreshToken: null,
    refreshExpiresAt: null,
    mfaRequired: true,
    mfaChallenge: challenge.token,
    mfaChallengeExpiresAt: challenge.expiresAt,
    mfaEnrolmentRequired: false,
    user,
    account: user,
  };
}

/**
 * Lets the rest of this request read the signed-in account as its owner. A sign-in that owes
 * its second factor (REQUIRE_MFA) is proven without scopes: its own fields (email, tier) read,
 * nothing another subgraph guards with a scope (keys, uploads, jobs), as its token may not either.
 */
export function proveSignedIn(context: SubgraphContext, user: { id: string; tier: Tier; scopes: string[] }, enrolmentOwed: boolean): void {
  proveCaller(context, { userId: user.id, tier: user.tier, scopes: enrolmentOwed ? [] : asScopes(user.scopes) });
}
