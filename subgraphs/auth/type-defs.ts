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

  type AuthPayload {
    accessToken: String!
    "Always 'bearer'."
    tokenType: String!
    "Seconds until the token expires."
    expiresIn: Int!
    expiresAt: DateTime!
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
    "Revokes the access token used for this call."
    logout: Boolean!
    "Changes a user's tier (admin only)."
    setUserTier(userId: ID!, tier: Tier!): User!
  }
`;
