import { gql } from 'graphql-tag';
import { DATE_TIME_SDL, JSON_SDL } from '../shared/common-sdl.ts';

export const bulkTypeDefs = gql`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

  ${DATE_TIME_SDL}

  ${JSON_SDL}

  enum BulkOperationKind {
    IMPORT
    EXPORT
  }

  enum BulkOperationStatus {
    "The upload is still being read and validated."
    RECEIVING
    QUEUED
    RUNNING
    COMPLETED
    FAILED
    CANCELLED
  }

  enum BulkRowStatus {
    PENDING
    RUNNING
    SUCCEEDED
    FAILED
    "Refused by validation before anything ran; never executed."
    INVALID
    CANCELLED
  }

  enum BulkExportFormat {
    CSV
    JSONL
    XLSX
  }

  "A bulk import (rows of a file run as one mutation each) or export (a query's result as a file), run by the gateway as its owner."
  type BulkOperation @key(fields: "id") {
    id: ID!
    kind: BulkOperationKind!
    status: BulkOperationStatus!
    "csv, json or xlsx (import); csv, jsonl or xlsx (export)."
    format: String!
    "Import: the mutation field each row runs, e.g. fundraising.request."
    mutation: String
    "Import: argument path -> column."
    mapping: JSON
    "Export: the query."
    query: String
    filename: String
    totalRows: Int!
    invalidRows: Int!
    succeededRows: Int!
    failedRows: Int!
    cancelledRows: Int!
    "Grows by one with every change; bulkOperationUpdated events carry it."
    sequence: Int!
    error: String
    "Export: the produced file's size."
    sizeBytes: Int
    createdAt: DateTime!
    startedAt: DateTime
    completedAt: DateTime
    "Import: the per-row outcomes in row order."
    rows(status: BulkRowStatus, first: Int = 100, after: String): BulkRowConnection!
    "Export, once completed: a signed link to the file that expires (BULK_LINK_TTL_SECONDS)."
    downloadUrl: String
  }

  type BulkRowError {
    "The source column the error is about; null when it concerns the whole row."
    column: String
    message: String!
  }

  type BulkRow {
    "1-based data row of the file (the header row is not counted)."
    rowNumber: Int!
    status: BulkRowStatus!
    input: JSON
    result: JSON
    errors: [BulkRowError!]!
  }

  type BulkPageInfo {
    endCursor: String
    hasNextPage: Boolean!
  }

  type BulkRowConnection {
    nodes: [BulkRow!]!
    pageInfo: BulkPageInfo!
  }

  type BulkOperationConnection {
    nodes: [BulkOperation!]!
    pageInfo: BulkPageInfo!
  }

  "A bulk job's counters after a change, in sequence order per job."
  type BulkOperationEvent {
    eventId: ID!
    occurredAt: DateTime!
    operationId: ID!
    kind: BulkOperationKind!
    status: BulkOperationStatus!
    sequence: Int!
    totalRows: Int!
    invalidRows: Int!
    succeededRows: Int!
    failedRows: Int!
    cancelledRows: Int!
    error: String
  }

  input StartBulkExportInput {
    "A query of the supergraph; a connection field (nodes/edges + pageInfo) with an \`$after: String\` variable is paged through."
    query: String!
    variables: JSON
    format: BulkExportFormat!
  }

  type Query {
    "The caller's bulk jobs (all, for admin), newest first."
    bulkOperations(kind: BulkOperationKind, status: BulkOperationStatus, first: Int = 20, after: String): BulkOperationConnection!
    "One job; null when it does not exist or belongs to someone else."
    bulkOperation(id: ID!): BulkOperation
  }

  type Mutation {
    "Stops a queued or running job: rows not yet claimed are cancelled, rows in flight finish."
    cancelBulkOperation(id: ID!): BulkOperation!
    "Queues the failed rows of a finished import again (invalid rows stay invalid)."
    retryFailedBulkRows(id: ID!): BulkOperation!
    "Queues an export of a query's result, run as the caller."
    startBulkExport(input: StartBulkExportInput!): BulkOperation!
  }

  type Subscription {
    "Progress and status of the caller's bulk jobs (all, for admin); optionally one job's."
    bulkOperationUpdated(id: ID): BulkOperationEvent!
  }
`;
