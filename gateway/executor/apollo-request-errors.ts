import type { GraphQLFormattedError } from 'graphql';

/**
 * The automatic persisted query protocol's own codes. APQ clients (Apollo Client's
 * persisted-queries link, Apollo Router) resend the full query when they read
 * PERSISTED_QUERY_NOT_FOUND, so it must reach them unchanged, with Apollo Server's
 * status 200, not as a contract VALIDATION_ERROR.
 */
const PERSISTED_QUERY_PROTOCOL_CODES: ReadonlySet<string> = new Set(['PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED']);

/**
 * Apollo Server refuses some requests with an HTTP status and no code (a persisted
 * query hash that does not match its query, an unsupported persisted query
 * version). They are the client's mistake: VALIDATION_ERROR with Apollo's message
 * and its 400, where masking would have made them an internal error.
 */
function refusedByApolloWithStatus(original: unknown): boolean {
  const extensions = (original as { extensions?: { code?: unknown; http?: { status?: unknown } } } | null)?.extensions;
  const status = extensions?.http?.status;
  return extensions?.code === undefined && typeof status === 'number' && status >= 400 && status < 500;
}

/** Classifies the errors Apollo Server raises before execution; null leaves the error to the usual masking. */
export function apolloRequestError(formatted: GraphQLFormattedError, original: unknown): GraphQLFormattedError | null {
  const code = formatted.extensions?.['code'];
  if (typeof code === 'string' && PERSISTED_QUERY_PROTOCOL_CODES.has(code)) return { message: formatted.message, extensions: { code } };
  if (refusedByApolloWithStatus(original)) return { message: formatted.message, extensions: { code: 'VALIDATION_ERROR' } };
  return null;
}
