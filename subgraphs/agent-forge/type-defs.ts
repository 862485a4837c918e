import { gql } from 'graphql-tag';
import { DATE_TIME_SDL, JSON_SDL } from '../shared/common-sdl.ts';

export const agentForgeTypeDefs = gql`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

  ${DATE_TIME_SDL}

  ${JSON_SDL}

  enum TrainingStatus {
    queued
    running
    completed
    failed
  }

  "A training run of the Agent Forge pipeline, dispatched to its upstream, which reports progress back."
  type TrainingJob @key(fields: "id") {
    id: ID!
    "The pipeline phase, e.g. cognate."
    phaseName: String!
    realTraining: Boolean!
    maxSteps: Int!
    batchSize: Int!
    status: TrainingStatus!
    "0 to 1."
    progress: Float!
    currentStep: Int
    message: String
    "The model the run produced, once completed."
    modelId: String
    error: String
    createdAt: DateTime!
    updatedAt: DateTime!
    completedAt: DateTime
    "The owner; null (with an error) when the auth subgraph, which holds their account, cannot answer."
    owner: User
  }

  type User @key(fields: "id") {
    id: ID!
    "The user's training jobs, newest first; null (with an error) when the agent-forge subgraph cannot answer."
    trainingJobs(first: Int = 20): [TrainingJob!]
  }

  "A model the Agent Forge upstream lists."
  type TrainedModel {
    id: ID!
    name: String
    phase: String
    createdAt: String
    "Everything the upstream said about the model."
    details: JSON
  }

  type ChatReply {
    modelId: String!
    conversationId: String
    "The model's answer, when the upstream gives one as text."
    response: String
    "The upstream's whole answer."
    details: JSON
  }

  input StartTrainingInput {
    phaseName: String!
    realTraining: Boolean = false
    maxSteps: Int = 1000
    batchSize: Int = 2
  }

  input ChatInput {
    modelId: String!
    message: String!
    conversationId: String
  }

  enum TrainingEventKind {
    progress
    completed
    failed
  }

  "A training job's state after an upstream report."
  type TrainingEvent {
    eventId: ID!
    kind: TrainingEventKind!
    occurredAt: DateTime!
    jobId: ID!
    status: TrainingStatus!
    "0 to 1."
    progress: Float!
    step: Int
    message: String
    modelId: String
    """
    The job as it is now, fetched for each event through the query plan, so fields
    other subgraphs own (owner { email apiKeys { name } }) may be selected.
    """
    job: TrainingJob
  }

  type Subscription {
    "Progress, completion and failure of the caller's training jobs (every job, for an admin); jobId narrows it to one."
    trainingJobUpdated(jobId: ID): TrainingEvent!
  }

  type Query {
    "Models available from the Agent Forge upstream (GET /v1/models)."
    models: [TrainedModel!]!
    "One of the caller's training jobs (any, for an admin)."
    trainingJob(id: ID!): TrainingJob
    "The caller's training jobs, newest first."
    trainingJobs(first: Int = 20, status: TrainingStatus): [TrainingJob!]!
  }

  type Mutation {
    "Creates a training job and dispatches it to the upstream (POST /v1/models/train)."
    startTraining(input: StartTrainingInput!): TrainingJob!
    "Sends a message to a model (POST /v1/chat)."
    chat(input: ChatInput!): ChatReply!
    """
    The upstream's progress report for a job, as it sent it: the raw JSON body, the
    X-Callback-Timestamp and X-Callback-Signature headers. The signature is the
    credential; the gateway's POST /v1/training/callback calls this.
    """
    reportTrainingProgress(body: String!, timestamp: String!, signature: String!): TrainingJob!
  }
`;
