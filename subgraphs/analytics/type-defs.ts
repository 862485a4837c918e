import { gql } from 'graphql-tag';
import { DATE_TIME_SDL, TIER_ENUM_SDL } from '../shared/common-sdl.ts';

export const analyticsTypeDefs = gql`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

  ${DATE_TIME_SDL}

  ${TIER_ENUM_SDL}

  "Counts and latency of a set of requests; an error is a response with status 400 or above."
  type UsageStats {
    requests: Int!
    errors: Int!
    "errors / requests; 0 when there were no requests."
    errorRate: Float!
    p50LatencyMs: Float
    p95LatencyMs: Float
    bytesIn: Float!
    bytesOut: Float!
  }

  type UsageBucket {
    "Start of the hour or day (UTC)."
    start: DateTime!
    stats: UsageStats!
  }

  type UsageGroup {
    "The apiKey id, module slug, tier, operation name, route or user id; null for none (anonymous, no module)."
    key: String
    stats: UsageStats!
  }

  enum UsageBucketSize {
    hour
    day
  }

  enum UsageGroupBy {
    apiKey
    module
    tier
    operation
    route
    user
  }

  "Narrows a usage report; the window defaults to the last 30 days."
  input UsageFilter {
    since: DateTime
    until: DateTime
    apiKeyId: ID
    module: String
    tier: Tier
    "Admin views only."
    userId: ID
  }

  "Usage over a window; each field is one SQL aggregation."
  type UsageReport {
    since: DateTime!
    until: DateTime!
    total: UsageStats!
    buckets(size: UsageBucketSize! = day): [UsageBucket!]!
    groups(by: UsageGroupBy!, limit: Int = 50): [UsageGroup!]!
  }

  type Module @key(fields: "slug") {
    slug: ID!
    "The caller's usage of this module (every caller's, for an admin); null (with an error) when the analytics subgraph cannot answer."
    usage(since: DateTime, until: DateTime): UsageReport
  }

  type Query {
    "The caller's own usage: every session and key of theirs."
    myUsage(filter: UsageFilter): UsageReport!
    "One of the caller's keys (any key, for an admin)."
    apiKeyUsage(id: ID!, since: DateTime, until: DateTime): UsageReport!
    "Every caller's usage (admin)."
    platformUsage(filter: UsageFilter): UsageReport!
  }
`;
