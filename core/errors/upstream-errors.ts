import type { GraphQLError } from 'graphql';
import { contractError } from './errors.ts';
import type { ErrorCode } from './error-codes.ts';

/** Typed operations turn an upstream's failure status into the contract code closest to it. */
const CODE_BY_STATUS: ReadonlyArray<[(status: number) => boolean, ErrorCode]> = [
  [(status) => status === 401 || status === 403, 'INSUFFICIENT_PERMISSIONS'],
  [(status) => status === 404, 'RESOURCE_NOT_FOUND'],
  [(status) => status === 429, 'RATE_LIMIT_EXCEEDED'],
  [(status) => status >= 400 && status < 500, 'VALIDATION_ERROR'],
  [() => true, 'SERVICE_UNAVAILABLE'],
];

function upstreamMessage(body: unknown): string | undefined {
  if (typeof body === 'string' && body.length > 0 && body.length <= 500) return body;
  if (body && typeof body === 'object') {
    for (const key of ['error', 'message', 'detail']) {
      const value = (body as Record<string, unknown>)[key];
      if (typeof value === 'string' && value.length <= 500) return value;
    }
  }
  return undefined;
}

/** `subject` names the upstream in the message, e.g. "Module 'code-sandbox'" or "Service 'agent-forge'". */
export function upstreamStatusError(subject: string, status: number, body: unknown): GraphQLError {
  const code = CODE_BY_STATUS.find(([matches]) => matches(status))?.[1] ?? 'SERVICE_UNAVAILABLE';
  const detail = upstreamMessage(body);
  return contractError(code, `${subject} answered ${status}${detail ? `: ${detail}` : ''}`, { upstreamStatus: status });
}
