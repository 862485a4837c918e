// The one classification of failures (DESIGN.md "Failures are classified once").
// Every place where an error leaves a subgraph or the edge asks this file what
// the failure means to the caller: a dependency that is down (503, named), a
// client mistake (400, naming the field), or the unexpected (500, logged).
// It imports only schema/ and npm packages, so it can live in the lowest layer.
import { GraphQLError } from 'graphql';
import { contractError } from './errors.ts';
import { isErrorCode, type ErrorCode } from './error-codes.ts';

export type Failure =
  /** Already a contract error (thrown by our code on purpose): kept as it is. */
  | { readonly kind: 'contract'; readonly code: ErrorCode }
  | { readonly kind: 'dependency-unavailable'; readonly dependency: string; readonly reason: string }
  | { readonly kind: 'client-mistake'; readonly message: string; readonly field?: string }
  | { readonly kind: 'unexpected' };

/** How long a caller is told to wait after a dependency failed (Retry-After). */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/**
 * Codes that graphql-js, Apollo Server and Apollo Gateway give to a request the
 * client got wrong. Apollo raises several of them as plain GraphQLErrors whose
 * only mark is the message, hence the second table.
 */
const CLIENT_MISTAKE_CODES: ReadonlySet<string> = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'INVALID_GRAPHQL',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'PERSISTED_QUERY_HASH_MISMATCH',
]);
const CLIENT_MISTAKE_MESSAGES: readonly RegExp[] = [
  /^Unknown operation named "/,
  /^Must provide operation name if query contains multiple operations/,
  /^Must provide an operation/,
  /^provided sha does not match query$/,
  /^Unsupported persisted query version$/,
  /^Variable "\$[^"]+" got invalid value/,
  /^Expected value of type "[^"]+", found/,
];

/** Prisma error codes (P1xxx/P2xxx) that mean the database could not be used now. */
const DATABASE_UNAVAILABLE_PRISMA_CODES: ReadonlySet<string> = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2037']);
/** Driver adapter error kinds (@prisma/driver-adapter-utils MappedError) with the same meaning. */
const DATABASE_UNAVAILABLE_KINDS: ReadonlySet<string> = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'TlsConnectionError']);
/** Driver adapter error kinds that are the caller's input rejected by Postgres. */
const DATABASE_INPUT_KINDS: ReadonlySet<string> = new Set(['LengthMismatch', 'InvalidInputValue', 'ValueOutOfRange']);
/**
 * SQLSTATEs: class 08 (connection), 53 (resources), 57P0x (shutting down),
 * 57014 (statement timeout), 55P03 (lock timeout) mean unavailable; class 22
 * (data exception: 22021 NUL byte, 22P02 bad text form, 22001 too long) means the input.
 */
const sqlStateUnavailable = (state: string): boolean =>
  state.startsWith('08') || state.startsWith('53') || state.startsWith('57P0') || state === '57014' || state === '55P03';
const sqlStateClientInput = (state: string): boolean => state.startsWith('22');

/** Socket-level codes from node:net and undici: the peer did not answer in time or at all. */
const CONNECTION_FAILURE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED',
]);
/** ioredis' own errors when the server is gone (it names them, it has no codes). */
const REDIS_FAILURE_NAMES: ReadonlySet<string> = new Set(['MaxRetriesPerRequestError']);
const REDIS_FAILURE_MESSAGES: readonly RegExp[] = [/^Connection is closed\.$/, /^Stream isn't writeable/, /^Reached the max retries per request limit/];
/** pg's pool gave up waiting for a free connection (acquire timeout). */
const POOL_ACQUIRE_MESSAGES: readonly RegExp[] = [/^timeout exceeded when trying to connect$/, /^Connection terminated/, /^Query read timeout$/];

type Fields = Record<string, unknown>;
const fieldsOf = (value: unknown): Fields | undefined => (value !== null && typeof value === 'object' ? (value as Fields) : undefined);
const stringField = (value: unknown, key: string): string | undefined => {
  const field = fieldsOf(value)?.[key];
  return typeof field === 'string' ? field : undefined;
};

/** The error itself, then what it wraps (GraphQLError.originalError, Error.cause), outermost first. */
function* causeChain(error: unknown): Generator<unknown> {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== undefined && current !== null && !seen.has(current)) {
    seen.add(current);
    yield current;
    const fields = fieldsOf(current);
    current = fields?.['originalError'] ?? fields?.['cause'];
  }
}

function classifyOne(error: unknown): Failure | undefined {
  const fields = fieldsOf(error);
  if (!fields) return undefined;
  const extensions = fieldsOf(fields['extensions']);
  const code = stringField(extensions, 'code') ?? stringField(fields, 'code');
  const message = stringField(fields, 'message') ?? '';
  const name = stringField(fields, 'name') ?? '';

  if (error instanceof GraphQLError || extensions) {
    if (isErrorCode(code)) return code === 'INTERNAL_ERROR' ? undefined : { kind: 'contract', code };
    if (code !== undefined && CLIENT_MISTAKE_CODES.has(code)) return { kind: 'client-mistake', message };
  }
  // graphql-js' formatted errors carry no code at all, only these messages.
  if (CLIENT_MISTAKE_MESSAGES.some((pattern) => pattern.test(message))) return { kind: 'client-mistake', message };
  if (name.startsWith('PrismaClient')) return classifyPrisma(fields, code);
  const adapterCause = fieldsOf(fields['cause']);
  if (name === 'DriverAdapterError' && adapterCause) return classifyAdapterCause(adapterCause);
  if (REDIS_FAILURE_NAMES.has(name) || REDIS_FAILURE_MESSAGES.some((pattern) => pattern.test(message))) {
    return { kind: 'dependency-unavailable', dependency: 'redis', reason: 'unreachable' };
  }
  if (POOL_ACQUIRE_MESSAGES.some((pattern) => pattern.test(message))) return { kind: 'dependency-unavailable', dependency: 'database', reason: 'timeout' };
  if (code !== undefined && CONNECTION_FAILURE_CODES.has(code)) return { kind: 'dependency-unavailable', dependency: 'upstream', reason: reasonOf(code) };
  // pg's own DatabaseError (no Prisma around it): a five-character SQLSTATE and a severity.
  if (code !== undefined && code.length === 5 && typeof fields['severity'] === 'string') return classifySqlState(code, fields);
  return undefined;
}

function classifyPrisma(fields: Fields, code: string | undefined): Failure | undefined {
  const errorCode = code ?? stringField(fields, 'errorCode');
  if (errorCode !== undefined && DATABASE_UNAVAILABLE_PRISMA_CODES.has(errorCode)) {
    return { kind: 'dependency-unavailable', dependency: 'database', reason: errorCode === 'P1001' ? 'unreachable' : 'timeout' };
  }
  if (stringField(fields, 'name') === 'PrismaClientInitializationError') return { kind: 'dependency-unavailable', dependency: 'database', reason: 'unreachable' };
  const cause = fieldsOf(fieldsOf(fieldsOf(fields['meta'])?.['driverAdapterError'])?.['cause']);
  if (cause) return classifyAdapterCause(cause, stringField(fieldsOf(fields['meta']), 'target'));
  // P2000 value too long, P2007 data validation, P2020 out of range: the caller's input.
  if (errorCode === 'P2000' || errorCode === 'P2007' || errorCode === 'P2020') return { kind: 'client-mistake', message: 'A value is not valid for this field' };
  return undefined;
}

function classifyAdapterCause(cause: Fields, field?: string): Failure | undefined {
  const kind = stringField(cause, 'kind') ?? '';
  if (DATABASE_UNAVAILABLE_KINDS.has(kind)) return { kind: 'dependency-unavailable', dependency: 'database', reason: kind === 'SocketTimeout' ? 'timeout' : 'unreachable' };
  const state = stringField(cause, 'originalCode') ?? stringField(cause, 'code');
  if (DATABASE_INPUT_KINDS.has(kind)) return clientInput(state, field ?? stringField(cause, 'column'));
  if (state !== undefined) return classifySqlState(state, cause);
  return undefined;
}

function classifySqlState(state: string, fields: Fields): Failure | undefined {
  if (sqlStateUnavailable(state)) return { kind: 'dependency-unavailable', dependency: 'database', reason: state === '57014' || state === '55P03' ? 'timeout' : 'unreachable' };
  if (sqlStateClientInput(state)) return clientInput(state, stringField(fields, 'column'));
  return undefined;
}

const INPUT_MESSAGES: Readonly<Record<string, string>> = {
  '22021': 'A string contains a NUL character or invalid UTF-8',
  '22P02': 'A value is not in the form its field expects',
  '22001': 'A value is longer than its field allows',
  '22003': 'A number is out of range for its field',
};

function clientInput(state: string | undefined, field: string | undefined): Failure {
  const message = (state && INPUT_MESSAGES[state]) ?? 'A value is not valid for its field';
  return field === undefined ? { kind: 'client-mistake', message } : { kind: 'client-mistake', message: `${message}: '${field}'`, field };
}

function reasonOf(code: string): string {
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED') return 'reset';
  if (code.includes('TIMEOUT') || code === 'ETIMEDOUT') return 'timeout';
  return 'unreachable';
}

/** What a failure means to the caller; walks wrapped causes, so a resolver's Prisma error is found under graphql-js' wrapper. */
export function classifyFailure(error: unknown): Failure {
  for (const layer of causeChain(error)) {
    const failure = classifyOne(layer);
    if (failure) return failure;
  }
  return { kind: 'unexpected' };
}

/** The contract error a dependency outage is answered with: the dependency is named, never its address. */
export function dependencyUnavailable(dependency: string, reason: string, subject = dependency === 'database' ? 'The database' : `'${dependency}'`): GraphQLError {
  return contractError('SERVICE_UNAVAILABLE', `${subject} is unavailable; try again shortly`, {
    dependency,
    reason,
    retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS,
  });
}

/**
 * A failure as the contract error to send, or null when it is unexpected (the
 * caller masks it as INTERNAL_ERROR and logs it). `dependency` names what a bare
 * connection error was talking to (the subgraph, at the edge).
 */
export function contractErrorFor(failure: Failure, dependency?: string): GraphQLError | null {
  switch (failure.kind) {
    case 'contract':
      return null;
    case 'dependency-unavailable':
      return dependencyUnavailable(failure.dependency === 'upstream' && dependency ? dependency : failure.dependency, failure.reason);
    case 'client-mistake':
      return contractError('VALIDATION_ERROR', failure.message, failure.field === undefined ? {} : { field: failure.field });
    case 'unexpected':
      return null;
    default: {
      const unknownFailure: never = failure;
      throw new Error(`Unknown failure ${JSON.stringify(unknownFailure)}`);
    }
  }
}

/** Retry-After for an answer: the error's own wait, else the default wait for an outage. */
export function retryAfterSecondsOf(code: ErrorCode | undefined, extensions: Readonly<Record<string, unknown>> | undefined): number | undefined {
  const seconds = extensions?.['retryAfterSeconds'];
  if (typeof seconds === 'number') return seconds;
  return code === 'SERVICE_UNAVAILABLE' ? UNAVAILABLE_RETRY_AFTER_SECONDS : undefined;
}
