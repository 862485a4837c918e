import type { GraphQLFormattedError } from 'graphql';
import { contractCodeOf } from './errors.ts';

export interface MaskOptions {
  /** Keep stack traces (development only). */
  readonly exposeStack: boolean;
  /** Called with every error that is masked, so the cause reaches the log and not the client. */
  readonly onMasked: (original: unknown) => void;
}

/**
 * Errors leave a process only as contract codes. Anything else (a Prisma error, a
 * bug) becomes INTERNAL_ERROR with a generic message; the cause goes to the log.
 */
export function maskError(formatted: GraphQLFormattedError, original: unknown, options: MaskOptions): GraphQLFormattedError {
  const code = contractCodeOf(formatted);
  if (code === undefined || code === 'INTERNAL_ERROR') {
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
