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
    "The owner; null (with an error) when the auth subgraph, which holds their account, cannot answer."
    owner: User
  }

  type User @key(fields: "id") {
    id: ID!
    "The user's keys, newest first; null (with an error) when the keys subgraph cannot answer."
    apiKeys: [ApiKey!]
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

  enum ApiKeyEventKind {
    created
    revoked
  }

  "One of the caller's API keys was created or revoked."
  type ApiKeyEvent {
    eventId: ID!
    kind: ApiKeyEventKind!
    occurredAt: DateTime!
    keyId: ID!
    "The key's record now, fetched for each event through the query plan (owner { email } comes from auth)."
    key: ApiKey
  }

  enum UsageWindow {
    minute
    hour
  }

  "A credential's use crossed 80% or 100% of one of its rate-limit windows; sent once per crossing."
  type UsageThresholdEvent {
    eventId: ID!
    occurredAt: DateTime!
    "80 or 100."
    threshold: Int!
    window: UsageWindow!
    limit: Int!
    remaining: Int!
    resetAt: DateTime!
    "Set when the credential was an API key."
    keyId: ID
    apiKey: ApiKey
  }

  type Subscription {
    "API keys of the caller created or revoked (every user's, for an admin)."
    apiKeyChanged: ApiKeyEvent!
    "The caller's usage crossing 80% and 100% of a limit (everyone's, for an admin)."
    usageThresholdCrossed: UsageThresholdEvent!
  }

  "A scope a credential may hold (action:resource)."
  type ScopeCatalogEntry {
    "e.g. read:keys"
    scope: String!
    action: String!
    resource: String!
    description: String!
  }

  type Query {
    "Every scope a user or key may hold; resource narrows it (keys, webhooks, …)."
    scopeCatalog(resource: String): [ScopeCatalogEntry!]!
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
