import { gql } from 'graphql-tag';
import { DATE_TIME_SDL, TIER_ENUM_SDL } from '../shared/common-sdl.ts';

export const authTypeDefs = gql`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])

  ${DATE_TIME_SDL}

  ${TIER_ENUM_SDL}

  type User @key(fields: "id") {
    id: ID!
    email: String!
    tier: Tier!
    scopes: [String!]!
    createdAt: DateTime!
  }

  "An account as its owner sees it on registering or signing in, before holding a token."
  type NewAccount {
    id: ID!
    email: String!
    tier: Tier!
    createdAt: DateTime!
  }

  """
  A sign-in. With a second factor enrolled, login answers mfaRequired and a challenge
  instead of tokens; verifyMfa(challenge, code) then answers the tokens.
  """
  type AuthPayload {
    "Null while mfaRequired."
    accessToken: String
    "Always 'bearer'."
    tokenType: String!
    "Seconds until the access token expires (ACCESS_TOKEN_TTL)."
    expiresIn: Int
    expiresAt: DateTime
    "Opaque, single use: refreshToken trades it for the next pair. Null while mfaRequired."
    refreshToken: String
    refreshExpiresAt: DateTime
    "True: no tokens yet, call verifyMfa with mfaChallenge and a code."
    mfaRequired: Boolean!
    mfaChallenge: String
    mfaChallengeExpiresAt: DateTime
    "REQUIRE_MFA covers this tier and no factor is enrolled yet: enrolMfa, then sign in again."
    mfaEnrolmentRequired: Boolean!
    user: User!
    "The account just signed in to, readable in this response although the call carried no token."
    account: NewAccount!
  }

  "What the presented credential proves."
  type CredentialInfo {
    valid: Boolean!
    "'user' for an access token, 'apiKey' for a key."
    kind: String!
    user: User!
    tier: Tier!
    scopes: [String!]!
    "Null for a key without expiry."
    expiresAt: DateTime
  }

  "Shown once: the secret, its otpauth:// URI and a QR code of it for authenticator apps."
  type MfaEnrolment {
    secret: String!
    otpauthUri: String!
    "A PNG as a data: URL."
    qrCodeDataUrl: String!
  }

  type MfaConfirmation {
    "Single-use codes that stand in for a TOTP code; shown once."
    recoveryCodes: [String!]!
  }

  input RegisterInput {
    email: String!
    password: String!
  }

  input LoginInput {
    email: String!
    password: String!
  }

  type Query {
    "The signed-in user."
    me: User!
    "The caller's credential, as POST /auth/verify reports it."
    verify: CredentialInfo!
    "Any user (admin only)."
    user(id: ID!): User
  }

  type Mutation {
    "Creates a free-tier user; can be turned off with REGISTRATION_ENABLED=false."
    register(input: RegisterInput!): NewAccount!
    login(input: LoginInput!): AuthPayload!
    "Revokes the access token used for this call and every token of its sign-in (the refresh family)."
    logout: Boolean!
    "Trades a refresh token for a new access token and refresh token; a reused one revokes its whole sign-in."
    refreshToken(refreshToken: String!): AuthPayload!
    "Completes a sign-in that answered mfaRequired, with a TOTP or recovery code."
    verifyMfa(challenge: String!, code: String!): AuthPayload!
    "Starts TOTP enrolment (replacing an unconfirmed one); active after confirmMfa."
    enrolMfa: MfaEnrolment!
    "Activates the enrolled factor with a current code; answers the recovery codes and ends every sign-in of the account (sign in again with a code)."
    confirmMfa(code: String!): MfaConfirmation!
    "Removes the factor and its recovery codes; needs a current TOTP or recovery code."
    disableMfa(code: String!): Boolean!
    "Changes a user's tier (admin only)."
    setUserTier(userId: ID!, tier: Tier!): User!
  }
`;
