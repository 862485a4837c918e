import { gql } from 'graphql-tag';
import { DATE_TIME_SDL, JSON_SDL } from '../shared/common-sdl.ts';

export const knowledgeTypeDefs = gql`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

  ${DATE_TIME_SDL}

  ${JSON_SDL}

  enum UploadStatus {
    "Stored by the gateway; the upstream has not been told yet."
    stored
    "The upstream accepted the file's link."
    forwarded
    "The upstream could not be told; the file is kept."
    failed
  }

  "A file received at POST /v1/upload."
  type Upload @key(fields: "id") {
    id: ID!
    filename: String!
    contentType: String!
    sizeBytes: Int!
    "Hex SHA-256 of the stored bytes."
    sha256: String!
    status: UploadStatus!
    "What the upstream answered when given the file's link."
    upstreamReference: JSON
    error: String
    createdAt: DateTime!
    "The owner; null (with an error) when the auth subgraph, which holds their account, cannot answer."
    owner: User
  }

  type User @key(fields: "id") {
    id: ID!
    "The user's uploads, newest first; null (with an error) when the knowledge subgraph cannot answer."
    uploads(first: Int = 20): [Upload!]
  }

  type Query {
    "Asks the knowledge upstream (POST /v1/query); options are passed along with the query."
    knowledgeQuery(query: String!, options: JSON): JSON
    "The caller's uploads, newest first."
    uploads(first: Int = 20): [Upload!]!
    upload(id: ID!): Upload
  }

  type Mutation {
    """
    Records a file the gateway stored and hands its link to the upstream. The
    ticket comes from POST /v1/upload (multipart, field "file"); it cannot be made
    by a client.
    """
    registerUpload(ticket: String!): Upload!
  }
`;
