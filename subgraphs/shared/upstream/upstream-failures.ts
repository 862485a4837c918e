import type { GraphQLError } from 'graphql';
import { contractError } from '../../../core/errors/errors.ts';

/**
 * How an upstream call fails, as contract errors. Every one is SERVICE_UNAVAILABLE
 * (503) to the client; `reason` in the extensions lets logs and metrics tell them apart.
 */
export type UpstreamFailureReason = 'circuit-open' | 'timeout' | 'unreachable' | 'response-too-large';

const failure = (upstream: string, reason: UpstreamFailureReason, message: string): GraphQLError =>
  contractError('SERVICE_UNAVAILABLE', message, { upstream, reason });

export const upstreamCircuitOpen = (name: string): GraphQLError =>
  failure(name, 'circuit-open', `Module upstream '${name}' is unavailable (circuit open)`);

export const upstreamTimedOut = (name: string, timeoutMs: number): GraphQLError =>
  failure(name, 'timeout', `Module upstream '${name}' timed out after ${timeoutMs} ms`);

export const upstreamUnreachable = (name: string): GraphQLError =>
  failure(name, 'unreachable', `Module upstream '${name}' is unreachable`);

export const upstreamResponseTooLarge = (name: string, limitBytes: number): GraphQLError =>
  failure(name, 'response-too-large', `Module upstream '${name}' sent a response larger than ${limitBytes} bytes`);
