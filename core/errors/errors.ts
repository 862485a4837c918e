import { GraphQLError } from 'graphql';
import { ERROR_CODES, FOREIGN_CODES, isErrorCode, type ErrorCode } from './error-codes.ts';
import type { Tier } from '../../schema/tiers.ts';

/** One factory per kind of error; details travel in `extensions`, never in a stack. */
export function contractError(
  code: ErrorCode,
  message: string = ERROR_CODES[code].message,
  details: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message, {
    extensions: { ...details, code, http: { status: ERROR_CODES[code].status } },
  });
}

export const validationError = (message: string, field?: string): GraphQLError =>
  contractError('VALIDATION_ERROR', message, field === undefined ? {} : { field });

export const unauthenticated = (message = 'Authentication required'): GraphQLError =>
  contractError('AUTHENTICATION_REQUIRED', message);

/** An access token past its `exp`: `reason` tells the client to refresh (POST /auth/refresh, refreshToken). */
export const tokenExpired = (): GraphQLError =>
  contractError('AUTHENTICATION_REQUIRED', 'Token has expired', { reason: 'TOKEN_EXPIRED' });

export const isTokenExpired = (error: unknown): error is GraphQLError =>
  error instanceof GraphQLError && error.extensions['reason'] === 'TOKEN_EXPIRED';

export const insufficientPermissions = (message = 'Insufficient permissions'): GraphQLError =>
  contractError('INSUFFICIENT_PERMISSIONS', message);

export const insufficientTier = (what: string, required: Tier, actual: Tier): GraphQLError =>
  contractError(
    'INSUFFICIENT_PERMISSIONS',
    `${what} requires '${required}' tier. Your tier: '${actual}'`,
    { requiredTier: required, tier: actual },
  );

export const missingScope = (scope: string): GraphQLError =>
  contractError('INSUFFICIENT_PERMISSIONS', `This credential lacks the '${scope}' scope`, {
    requiredScope: scope,
  });

/** A body past a streamed route's cap (bulk uploads, the backend pass-through), which cannot be read whole to say more. */
export const payloadTooLarge = (limitBytes: number): GraphQLError =>
  contractError('PAYLOAD_TOO_LARGE', `Request body exceeds the limit of ${limitBytes} bytes`, { limitBytes });

export const notFound = (message = 'Resource not found'): GraphQLError =>
  contractError('RESOURCE_NOT_FOUND', message);

export const serviceUnavailable = (message = 'Service unavailable'): GraphQLError =>
  contractError('SERVICE_UNAVAILABLE', message);

export const internalError = (): GraphQLError => contractError('INTERNAL_ERROR');

/** The contract code an error carries, translating graphql-js/Apollo codes; undefined when unknown. */
export function contractCodeOf(error: { extensions?: Record<string, unknown> | undefined }): ErrorCode | undefined {
  const code = error.extensions?.['code'];
  if (isErrorCode(code)) return code;
  if (typeof code === 'string') return FOREIGN_CODES[code];
  return undefined;
}

export const rateLimited = (retryAfterSeconds: number, message = 'Rate limit exceeded'): GraphQLError =>
  contractError('RATE_LIMIT_EXCEEDED', message, { retryAfterSeconds });
