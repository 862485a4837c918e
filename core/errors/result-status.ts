// The one decision of an executed GraphQL operation's HTTP status, for /graphql
// whichever executor produced the result. It reads only the result (and whether the
// client reads request errors from a 200 only), so any executor can call it.
import { contractCodeOf } from './errors.ts';
import { httpStatusOf } from './error-codes.ts';
import { retryAfterSecondsOf } from './failure-class.ts';

export interface OperationResult {
  /** undefined: the operation never ran (a request error); null: it ran and nothing could be returned. */
  readonly data?: unknown;
  readonly errors?: ReadonlyArray<{ readonly extensions?: Readonly<Record<string, unknown>> | undefined }> | undefined;
}

export interface ResultStatus {
  /** Absent when the errors carry no contract code (Apollo's persisted query protocol): the transport's status stands. */
  readonly status?: number;
  /** With a status that asks the client to come back: the error's own wait, or the default wait of an outage. */
  readonly retryAfterSeconds?: number;
}

/**
 * Some data means 200, whatever the errors say: the client gets every field that
 * could be resolved and an error for each part that could not (GraphQL over HTTP:
 * a response with non-null data is 2xx). Only an operation with no data at all
 * answers with its first error's status (503 for a dependency down, with
 * Retry-After). A client asking for application/json alone reads request errors
 * only from a 200 (GraphQL over HTTP's legacy rule).
 */
export function resultStatus(result: OperationResult, options: { readonly legacyJsonOnly: boolean }): ResultStatus {
  const first = result.errors?.[0];
  if (!first || (result.data !== null && result.data !== undefined)) return { status: 200 };
  const code = contractCodeOf(first);
  if (code === undefined) return {};
  const requestError = result.data === undefined;
  if (code === 'VALIDATION_ERROR' && requestError && options.legacyJsonOnly) return { status: 200 };
  const retryAfterSeconds = retryAfterSecondsOf(code, first.extensions);
  return { status: httpStatusOf(code), ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) };
}
