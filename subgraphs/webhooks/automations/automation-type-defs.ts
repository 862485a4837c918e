import { gql } from 'graphql-tag';

/** Served by the webhooks subgraph beside endpoints: automations hear the same events and call the same receivers. */
export const automationTypeDefs = gql`
  "An owner's rule: when a matching event happens, run an action (after a delay). Retried with backoff; disabled after persistent failure."
  type Automation {
    id: ID!
    name: String!
    trigger: AutomationTrigger!
    "Seconds between the event and the action's first attempt."
    delaySeconds: Int!
    action: AutomationAction!
    enabled: Boolean!
    "Why it was disabled: by its owner, or its runs failed persistently."
    disabledReason: String
    disabledAt: DateTime
    "Runs in a row that failed for good; at AUTOMATION_DISABLE_AFTER the automation is disabled."
    consecutiveFailures: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
    "Its execution history, newest first."
    runs(status: AutomationRunStatus, first: Int = 20, after: String): AutomationRunConnection!
  }

  type AutomationTrigger {
    "An event type of automationEventTypes."
    eventType: String!
    "Top-level payload fields that must equal these values (the webhook payloadFilter format); null: every event of the type."
    condition: JSON
  }

  enum AutomationActionKind {
    "POST the triggering event, signed per Standard Webhooks, to one of the owner's webhook endpoints."
    webhook
    "Run a mutation of this graph as the owner (their tier, scopes and rate limit)."
    mutation
  }

  type AutomationAction {
    kind: AutomationActionKind!
    webhookEndpoint: WebhookEndpoint
    "The mutation document; its variables named like a payload field take that field's value."
    mutation: String
    "Values of the mutation's other variables."
    variables: JSON
  }

  enum AutomationRunStatus {
    pending
    succeeded
    failed
    "Refused by the loop guard: the event came (directly or through other automations) from this automation's own action."
    loop_stopped
    "Its automation was disabled before it ran."
    cancelled
  }

  "One triggering of an automation: its input, outcome and timing."
  type AutomationRun {
    id: ID!
    automationId: ID!
    eventId: ID!
    eventType: String!
    "The triggering event's payload."
    input: JSON!
    "The automations whose actions led to the triggering event, oldest first."
    causedBy: [ID!]!
    status: AutomationRunStatus!
    attemptCount: Int!
    "When the next attempt is due (pending runs only)."
    nextAttemptAt: DateTime
    "The last attempt's result: the mutation's data (credentials redacted) or the receiver's status."
    output: JSON
    lastError: String
    createdAt: DateTime!
    startedAt: DateTime
    completedAt: DateTime
    "Time spent in attempts, summed."
    durationMs: Int!
    attempts: [AutomationAttempt!]!
  }

  type AutomationAttempt {
    attemptNumber: Int!
    startedAt: DateTime!
    durationMs: Int!
    succeeded: Boolean!
    output: JSON
    error: String
  }

  type AutomationRunConnection {
    nodes: [AutomationRun!]!
    pageInfo: PageInfo!
  }

  input AutomationTriggerInput {
    eventType: String!
    condition: JSON
  }

  "Exactly one of webhookEndpointId or mutation."
  input AutomationActionInput {
    webhookEndpointId: ID
    mutation: String
    variables: JSON
  }

  input CreateAutomationInput {
    name: String!
    trigger: AutomationTriggerInput!
    "0 to 86400."
    delaySeconds: Int = 0
    action: AutomationActionInput!
    enabled: Boolean = true
  }

  input UpdateAutomationInput {
    name: String
    trigger: AutomationTriggerInput
    delaySeconds: Int
    action: AutomationActionInput
    "true enables it again (and forgets its failures); false disables it and cancels its pending runs."
    enabled: Boolean
  }

  extend type Query {
    "The caller's automations, newest first."
    automations: [Automation!]!
    automation(id: ID!): Automation
    "One automation's runs, newest first."
    automationRuns(automationId: ID!, status: AutomationRunStatus, first: Int = 20, after: String): AutomationRunConnection!
    "The event types an automation may be triggered by."
    automationEventTypes: [String!]!
  }

  extend type Mutation {
    createAutomation(input: CreateAutomationInput!): Automation!
    updateAutomation(id: ID!, input: UpdateAutomationInput!): Automation!
    "Stops it and cancels its pending runs; updateAutomation(enabled: true) starts it again."
    disableAutomation(id: ID!): Automation!
    "Deletes it with its history."
    deleteAutomation(id: ID!): ID!
  }
`;
