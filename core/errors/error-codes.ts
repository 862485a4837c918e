/**
 * The one registry of error codes (CONTRACT.md section 4). The same code is the
 * REST envelope's `error_code` and a GraphQL error's `extensions.code`; this table
 * is the only place that decides an HTTP status, and the WebSocket close code a
 * subscription connection ends with (graphql-ws' 44xx convention; 1009, 1011 and 1013
 * are RFC 6455's "message too big", "internal error" and "try again later").
 */
export const ERROR_CODES = {
  VALIDATION_ERROR: { status: 400, closeCode: 4400, message: 'Invalid request' },
  AUTHENTICATION_REQUIRED: { status: 401, closeCode: 4401, message: 'Authentication required' },
  INSUFFICIENT_PERMISSIONS: { status: 403, closeCode: 4403, message: 'Insufficient permissions' },
  RESOURCE_NOT_FOUND: { status: 404, closeCode: 4404, message: 'Resource not found' },
  /** A streamed body passed its size limit (bulk imports, the backend pass-through); 1009 is RFC 6455's "message too big". */
  PAYLOAD_TOO_LARGE: { status: 413, closeCode: 1009, message: 'Payload too large' },
  RATE_LIMIT_EXCEEDED: { status: 429, closeCode: 4429, message: 'Rate limit exceeded' },
  SERVICE_UNAVAILABLE: { status: 503, closeCode: 1013, message: 'Service unavailable' },
  INTERNAL_ERROR: { status: 500, closeCode: 1011, message: 'Internal server error' },
} as const satisfies Record<string, { status: number; closeCode: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

export function httpStatusOf(code: ErrorCode): number {
  return ERROR_CODES[code].status;
}

export function closeCodeOf(code: ErrorCode): number {
  return ERROR_CODES[code].closeCode;
}

/**
 * Codes raised by graphql-js and Apollo Server before our resolvers run. They are
 * all the client's fault, so they surface as VALIDATION_ERROR. The persisted query
 * protocol's codes are not here: APQ clients need them as they are
 * (gateway/executor/apollo-request-errors.ts).
 */
export const FOREIGN_CODES: Readonly<Record<string, ErrorCode>> = {
  GRAPHQL_PARSE_FAILED: 'VALIDATION_ERROR',
  GRAPHQL_VALIDATION_FAILED: 'VALIDATION_ERROR',
  BAD_USER_INPUT: 'VALIDATION_ERROR',
  BAD_REQUEST: 'VALIDATION_ERROR',
  OPERATION_RESOLUTION_FAILURE: 'VALIDATION_ERROR',
  UNAUTHENTICATED: 'AUTHENTICATION_REQUIRED',
  FORBIDDEN: 'INSUFFICIENT_PERMISSIONS',
};
