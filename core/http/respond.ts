import type { ServerResponse } from 'node:http';
import type { GraphQLError } from 'graphql';
import { httpStatusOf, type ErrorCode } from '../errors/error-codes.ts';
import { contractCodeOf } from '../errors/errors.ts';
import { errorEnvelope } from './envelope.ts';
import { retryAfterSecondsOf } from '../errors/failure-class.ts';
import { graphqlResponseMediaType } from './graphql-media-type.ts';

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  response.statusCode = status;
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.setHeader('Content-Length', Buffer.byteLength(payload));
  response.end(payload);
}

/** An error as the REST envelope, its status from the one code table. */
export function sendErrorEnvelope(response: ServerResponse, requestId: string, code: ErrorCode, message?: string, reason?: string): void {
  sendJson(response, httpStatusOf(code), errorEnvelope(code, requestId, message, undefined, reason));
}

/** A GraphQL error (from the pipeline or an operation) as the REST envelope; unknown errors say nothing. */
export function sendErrorFromGraphQL(
  response: ServerResponse,
  requestId: string,
  error: { message: string; extensions?: Record<string, unknown> | undefined },
): void {
  const code = contractCodeOf(error) ?? 'INTERNAL_ERROR';
  setRetryAfter(response, error.extensions, code);
  const reason = error.extensions?.['reason'];
  const known = code !== 'INTERNAL_ERROR';
  sendErrorEnvelope(response, requestId, code, known ? error.message : undefined, known && typeof reason === 'string' ? reason : undefined);
}

/**
 * An error as a GraphQL response (for /graphql), its status from the same table,
 * its Content-Type the one the request's Accept prefers (GraphQL over HTTP), so
 * the edge's own 401 and 429 look like the same codes coming from a subgraph.
 */
export function sendGraphQLError(response: ServerResponse, error: GraphQLError): void {
  const code = contractCodeOf(error) ?? 'INTERNAL_ERROR';
  const message = code === 'INTERNAL_ERROR' ? 'Internal server error' : error.message;
  setRetryAfter(response, error.extensions, code);
  const { http: _http, stacktrace: _stacktrace, code: _code, ...details } = code === 'INTERNAL_ERROR' ? {} : (error.extensions ?? {});
  const payload = JSON.stringify({ errors: [{ message, extensions: { ...details, code } }] });
  response.statusCode = httpStatusOf(code);
  response.setHeader('Content-Type', `${graphqlResponseMediaType(response.req?.headers.accept)}; charset=utf-8`);
  response.setHeader('Content-Length', Buffer.byteLength(payload));
  response.end(payload);
}

/** A refusal that says when to come back (rate limits, a dependency down) carries it as Retry-After too. */
export function setRetryAfter(
  response: { setHeader(name: string, value: string): unknown },
  extensions: Record<string, unknown> | undefined,
  code?: ErrorCode,
): void {
  const seconds = retryAfterSecondsOf(code, extensions);
  if (seconds !== undefined) response.setHeader('Retry-After', String(seconds));
}
