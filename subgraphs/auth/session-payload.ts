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
