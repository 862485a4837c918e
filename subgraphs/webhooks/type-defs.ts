import { gql } from 'graphql-tag';
import { DATE_TIME_SDL, JSON_SDL } from '../shared/common-sdl.ts';

export const webhooksTypeDefs = gql`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

  ${DATE_TIME_SDL}

  ${JSON_SDL}

  type User @key(fields: "id", resolvable: false) {
    id: ID!
  }

  "Where an owner's events are delivered, signed per Standard Webhooks."
  type WebhookEndpoint @key(fields: "id") {
    id: ID!
    url: String!
    description: String!
    "Event types delivered here (see webhookEventTypes)."
    eventTypes: [String!]!
    "Top-level payload fields that must equal these values; null delivers every event of the types."
    payloadFilter: JSON
    enabled: Boolean!
    "Why the endpoint was disabled: by its owner, a 410 Gone, or failing too long."
    disabledReason: String
    disabledAt: DateTime
    "Until then deliveries also carry a signature made with the secret before the last rotation."
    previousSecretExpiresAt: DateTime
    createdAt: DateTime!
    updatedAt: DateTime!
    "The owner; null (with an error) when the auth subgraph, which holds their account, cannot answer."
    owner: User
    deliveries(status: WebhookDeliveryStatus, first: Int = 20, after: String): WebhookDeliveryConnection!
  }

  "An endpoint with its signing secret, shown only in this response."
  type WebhookEndpointWithSecret {
    endpoint: WebhookEndpoint!
    "whsec_…: verify the webhook-signature header with it."
    secret: String!
  }

  enum WebhookDeliveryStatus {
    pending
    succeeded
    failed
  }

  "One event for one endpoint, attempted until a 2xx answer or the retry schedule runs out."
  type WebhookDelivery {
    id: ID!
    "The webhook-id header: the event's id, the same on every attempt and redelivery."
    webhookId: ID!
    eventType: String!
    payload: JSON!
    status: WebhookDeliveryStatus!
    attemptCount: Int!
    "When the next attempt is due (pending deliveries only)."
    nextAttemptAt: DateTime
    lastAttemptAt: DateTime
    lastResponseStatus: Int
    lastError: String
    "The delivery this one replays, when redelivered by hand."
    redeliveryOf: ID
    createdAt: DateTime!
    completedAt: DateTime
    endpoint: WebhookEndpoint!
    attempts(first: Int = 20, after: String): WebhookAttemptConnection!
  }

  type WebhookAttempt {
    id: ID!
    attemptNumber: Int!
    startedAt: DateTime!
    durationMs: Int!
    succeeded: Boolean!
    responseStatus: Int
    "The first KiB of the response body."
    responseExcerpt: String
    error: String
  }

  type PageInfo {
    endCursor: String
    hasNextPage: Boolean!
  }

  type WebhookDeliveryConnection {
    nodes: [WebhookDelivery!]!
    pageInfo: PageInfo!
  }

  type WebhookAttemptConnection {
    nodes: [WebhookAttempt!]!
    pageInfo: PageInfo!
  }

  "A finished delivery attempt, as the webhookDelivery subscription reports it."
  type WebhookAttemptEvent {
    deliveryId: ID!
    endpointId: ID!
    webhookId: ID!
    eventType: String!
    attemptNumber: Int!
    "succeeded, retrying (another attempt is scheduled) or failed (no more attempts)."
    outcome: String!
    responseStatus: Int
    durationMs: Int!
    error: String
    nextAttemptAt: DateTime
    occurredAt: DateTime!
  }

  input CreateWebhookEndpointInput {
    "http(s) URL; private, loopback and link-local targets are refused unless configuration allows them."
    url: String!
    description: String
    eventTypes: [String!]!
    payloadFilter: JSON
    enabled: Boolean = true
  }

  input UpdateWebhookEndpointInput {
    url: String
    description: String
    eventTypes: [String!]
    payloadFilter: JSON
    enabled: Boolean
  }

  "One event type of the platform's catalog."
  type EventCatalogEntry {
    "e.g. api_key.created"
    type: String!
    description: String!
    "Whether a webhook endpoint may subscribe to it (see webhookEventTypes)."
    webhookDeliverable: Boolean!
    "A made-up payload of the type's exact shape; triggerTestEvent sends it."
    samplePayload: JSON!
  }

  "A test event written to the webhook outbox: delivered, signed and retried like a real one."
  type TestEventResult {
    eventId: ID!
    eventType: String!
    payload: JSON!
    "One per endpoint of the caller's that receives it; empty when none is subscribed to the type."
    deliveries: [WebhookDelivery!]!
  }

  type Query {
    "The caller's endpoints, newest first (every owner's, for admin)."
    webhookEndpoints: [WebhookEndpoint!]!
    webhookEndpoint(id: ID!): WebhookEndpoint
    "Deliveries of the caller's endpoints (any, for admin), newest first."
    webhookDeliveries(endpointId: ID, status: WebhookDeliveryStatus, first: Int = 20, after: String): WebhookDeliveryConnection!
    webhookDelivery(id: ID!): WebhookDelivery
    "The event types an endpoint may subscribe to."
    webhookEventTypes: [String!]!
    "Every platform event type with a description and a sample payload; webhookDeliverable narrows it."
    eventCatalog(webhookDeliverable: Boolean): [EventCatalogEntry!]!
  }

  type Mutation {
    createWebhookEndpoint(input: CreateWebhookEndpointInput!): WebhookEndpointWithSecret!
    "Enabling a disabled endpoint does not resend what it missed: use recoverWebhookDeliveries."
    updateWebhookEndpoint(id: ID!, input: UpdateWebhookEndpointInput!): WebhookEndpoint!
    deleteWebhookEndpoint(id: ID!): ID!
    "A new secret; the old one keeps signing alongside it for overlapSeconds (default 86400, 0 to stop at once)."
    rotateWebhookSecret(id: ID!, overlapSeconds: Int = 86400): WebhookEndpointWithSecret!
    "Queues a webhook.test event for this endpoint alone."
    sendTestWebhook(endpointId: ID!, message: String): WebhookDelivery!
    "Sends a sample of eventType to the caller's own endpoints subscribed to it, or to one of theirs (endpointId) whatever its types."
    triggerTestEvent(eventType: String!, endpointId: ID): TestEventResult!
    "Sends a delivery's event to its endpoint again, with the same webhook-id."
    redeliverWebhook(deliveryId: ID!): WebhookDelivery!
    "Redelivers every event that failed for this endpoint since the given time; returns how many were queued."
    recoverWebhookDeliveries(endpointId: ID!, since: DateTime!): Int!
  }

  type Subscription {
    "Each finished delivery attempt of the caller's endpoints (all, for admin); optionally one endpoint's."
    webhookDelivery(endpointId: ID): WebhookAttemptEvent!
  }
`;
