import type { ServerResponse } from 'node:http';
import type { GraphQLError } from 'graphql';
import { httpStatusOf, type ErrorCode } from '../errors/error-codes.ts';
import { contractCodeOf } from '../errors/errors.ts';
import { errorEnvelope } from './envelope.ts';

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  response.statusCode = status;
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.setHeader('Content-Length', Buffer.byteLength(payload));
  response.end(payload);
}

/** An error as the REST envelope, its status from the one code table. */
export function sendErrorEnvelope(response: ServerResponse, requestId: string, code: ErrorCode, message?: string): void {
  sendJson(response, httpStatusOf(code), errorEnvelope(code, requestId, message));
}

/** A GraphQL error (from the pipeline or an operation) as the REST envelope; unknown errors say nothing. */
export function sendErrorFromGraphQL(
  response: ServerResponse,
  requestId: string,
  error: { message: string; extensions?: Record<string, unknown> | undefined },
): void {
  const code = contractCodeOf(error) ?? 'INTERNAL_ERROR';
  setRetryAfter(response, error.extensions);
  sendErrorEnvelope(response, requestId, code, code === 'INTERNAL_ERROR' ? undefined : error.message);
}

/** An error as a GraphQL response (for /graphql), its status from the same table. */
export function sendGraphQLError(response: ServerResponse, error: GraphQLError): void {
  const code = contractCodeOf(error) ?? 'INTERNAL_ERROR';
  const message = code === 'INTERNAL_ERROR' ? 'Internal server error' : error.message;
  setRetryAfter(response, error.extensions);
  sendJson(response, httpStatusOf(code), { errors: [{ message, extensions: { code } }] });
}

/** A refusal that says when to come back (rate limits) carries it as Retry-After too. */
export function setRetryAfter(response: { setHeader(name: string, value: string): unknown }, extensions: Record<string, unknown> | undefined): void {
  const seconds = extensions?.['retryAfterSeconds'];
  if (typeof seconds === 'number') response.setHeader('Retry-After', String(seconds));
}
