import { gql } from 'graphql-tag';
import { DATE_TIME_SDL, TIER_ENUM_SDL } from '../shared/common-sdl.ts';

export const modulesTypeDefs = gql`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

  ${DATE_TIME_SDL}

  ${TIER_ENUM_SDL}

  "up: its health probe answered; down: it did not (or its circuit is open); unconfigured: no upstream URL."
  enum ModuleStatus {
    up
    down
    unconfigured
  }

  "One of the 30 platform modules, an upstream service reached through its own subgraph."
  type Module @key(fields: "slug") {
    slug: ID!
    name: String!
    category: String!
    "The minimum tier that may call it."
    tier: Tier!
    "Its REST path on this gateway."
    endpoint: String!
    status: ModuleStatus!
    lastCheckedAt: DateTime
    "Latency of the last health probe."
    latencyMs: Float
    "Whether the caller's tier may call it."
    accessible: Boolean!
  }

  "A module's health changed."
  type ModuleStatusEvent {
    eventId: ID!
    occurredAt: DateTime!
    slug: ID!
    status: ModuleStatus!
    previous: ModuleStatus!
    "The module now, fetched for each event through the query plan."
    module: Module
  }

  type Subscription {
    "Module status changes; slug narrows it to one module."
    moduleStatusChanged(slug: ID): ModuleStatusEvent!
  }

  type Query {
    "The module catalog, optionally one category."
    modules(category: String): [Module!]!
    "One module; RESOURCE_NOT_FOUND for an unknown slug."
    module(slug: ID!): Module!
  }
`;
