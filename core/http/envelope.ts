import { ERROR_CODES, type ErrorCode } from '../errors/error-codes.ts';

/** The legacy envelopes (CONTRACT.md section 4), shared by the REST bridge and the edge's own pages. */
export interface SuccessEnvelope<T> {
  readonly success: true;
  readonly data: T;
  readonly message?: string;
  readonly timestamp: string;
  readonly request_id: string;
}

export interface ErrorEnvelope {
  readonly success: false;
  readonly error: string;
  readonly error_code: ErrorCode;
  readonly message?: string;
  /** The GraphQL error's `extensions.reason`, where it has one: what the client should do (`MFA_ENROLMENT_REQUIRED`, `TOKEN_EXPIRED`). */
  readonly reason?: string;
  readonly timestamp: string;
  readonly request_id: string;
}

/** Seconds precision, `Z` suffix: the seeds' format (2025-11-07T12:00:00Z). */
export function envelopeTimestamp(now = new Date()): string {
  return `${now.toISOString().slice(0, 19)}Z`;
}

export function successEnvelope<T>(data: T, requestId: string, message?: string): SuccessEnvelope<T> {
  return {
    success: true,
    data,
    ...(message === undefined ? {} : { message }),
    timestamp: envelopeTimestamp(),
    request_id: requestId,
  };
}

export function errorEnvelope(code: ErrorCode, requestId: string, error?: string, message?: string, reason?: string): ErrorEnvelope {
  return {
    success: false,
    error: error ?? ERROR_CODES[code].message,
    error_code: code,
    ...(message === undefined ? {} : { message }),
    ...(reason === undefined ? {} : { reason }),
    timestamp: envelopeTimestamp(),
    request_id: requestId,
  };
}
