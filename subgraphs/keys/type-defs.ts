import { gql } from 'graphql-tag';
import { DATE_TIME_SDL, TIER_ENUM_SDL } from '../shared/common-sdl.ts';

export const keysTypeDefs = gql`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

  ${DATE_TIME_SDL}

  ${TIER_ENUM_SDL}

  enum ApiKeyStatus {
    active
    expired
    revoked
  }

  "An API key's record. The key itself is shown once, when created or rotated."
  type ApiKey @key(fields: "id") {
    id: ID!
    name: String!
    "The first characters of the key, to tell keys apart."
    prefix: String!
    tier: Tier!
    scopes: [String!]!
    status: ApiKeyStatus!
    "Per-key limits; null means the tier's default."
    limitPerMinute: Int
    limitPerHour: Int
    expiresAt: DateTime
    lastUsedAt: DateTime
    revokedAt: DateTime
    createdAt: DateTime!
    owner: User!
  }

  type User @key(fields: "id") {
    id: ID!
    apiKeys: [ApiKey!]!
  }

  type CreatedApiKey {
    "The full key, shown only in this response."
    apiKey: String!
    key: ApiKey!
  }

  input CreateApiKeyInput {
    name: String!
    "Defaults to the caller's tier; never above it."
    tier: Tier
    "Defaults to the caller's scopes; never beyond them."
    scopes: [String!]
    "Omit for a key that does not expire."
    expiresInDays: Int
    limitPerMinute: Int
    limitPerHour: Int
  }

  type Query {
    "The caller's keys, newest first."
    apiKeys(includeRevoked: Boolean = false): [ApiKey!]!
    apiKey(id: ID!): ApiKey
  }

  type Mutation {
    createApiKey(input: CreateApiKeyInput!): CreatedApiKey!
    "Revokes a key named by its id, or by the key itself (legacy DELETE /api-keys/{api_key})."
    revokeApiKey(id: ID!): ApiKey!
    "Issues a new key with the same settings and revokes the old one."
    rotateApiKey(id: ID!): CreatedApiKey!
    "Sets a key's own limits (pro and above); null restores the tier's limit. Never above the tier's."
    updateApiKeyLimits(id: ID!, limitPerMinute: Int, limitPerHour: Int): ApiKey!
  }
`;
