import type { GraphQLFormattedError } from 'graphql';
import { contractCodeOf } from './errors.ts';
import { classifyFailure, contractErrorFor, type Failure } from './failure-class.ts';

export interface MaskOptions {
  /** Keep stack traces (development only). */
  readonly exposeStack: boolean;
  /** Called with every error that is masked, so the cause reaches the log and not the client. */
  readonly onMasked: (original: unknown) => void;
  /**
   * Called with a failure that was classified (a dependency down, a client
   * mistake) instead of masked; these are expected, so not error-level.
   * @default no-op
   */
  readonly onClassified?: (failure: Failure, original: unknown) => void;
}

/**
 * Errors leave a process only as contract codes. A failure the classifier knows
 * (a database or subgraph down, input Postgres or Apollo refused) becomes its
 * contract error; anything else (a bug) becomes INTERNAL_ERROR with a generic
 * message, and the cause goes to the log.
 */
export function maskError(formatted: GraphQLFormattedError, original: unknown, options: MaskOptions): GraphQLFormattedError {
  const code = contractCodeOf(formatted);
  if (code === undefined || code === 'INTERNAL_ERROR') {
    // The formatted error keeps graphql-js' outer message ("Variable ... got invalid value") that the original lost.
    const fromOriginal = classifyFailure(original);
    const failure = fromOriginal.kind === 'unexpected' ? classifyFailure(formatted) : fromOriginal;
    const classified = contractErrorFor(failure);
    if (classified) {
      options.onClassified?.(failure, original);
      return {
        message: classified.message,
        ...(formatted.locations ? { locations: formatted.locations } : {}),
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions: withoutHttp(classified.extensions),
      };
    }
    options.onMasked(original);
    return {
      message: 'Internal server error',
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'INTERNAL_ERROR' },
    };
  }
  const { http: _http, stacktrace, code: _code, ...details } = formatted.extensions ?? {};
  return {
    ...formatted,
    extensions: { ...details, code, ...(options.exposeStack && stacktrace ? { stacktrace } : {}) },
  };
}

function withoutHttp(extensions: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { http: _http, ...rest } = extensions;
  return rest;
}
