import { errors as undiciErrors, type Dispatcher } from 'undici';
import { readCapped, ResponseTooLargeError } from './response-body.ts';
import { returnableResponseHeaders } from '../../../core/upstream/forwarded-headers.ts';
import type { HttpMethod } from '../../../core/upstream/retry-policy.ts';

/**
 * One HTTP exchange with an upstream, classified rather than thrown, so the client
 * can decide separately what counts against the breaker and what is retried.
 */

export interface AttemptRequest {
  readonly origin: string;
  /** Path and query, already checked by `resolveUpstreamPath`. */
  readonly path: string;
  readonly method: HttpMethod;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
}

export interface AttemptLimits {
  /** Covers the whole exchange: connecting, headers and body. */
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
}

export type AttemptOutcome =
  | { readonly kind: 'response'; readonly status: number; readonly headers: Record<string, string>; readonly raw: Buffer }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'network'; readonly cause: unknown }
  | { readonly kind: 'too-large' }
  /** undici refused the request before sending it: our bug, not the upstream's failure. */
  | { readonly kind: 'rejected'; readonly cause: unknown };

const header = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

export async function attemptOnce(dispatcher: Dispatcher, request: AttemptRequest, limits: AttemptLimits): Promise<AttemptOutcome> {
  // undici's headersTimeout/bodyTimeout measure idle gaps, so a server trickling a
  // byte every few seconds would never trip them; one deadline bounds the attempt.
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, limits.timeoutMs);
  try {
    const response = await dispatcher.request({
      origin: request.origin,
      path: request.path,
      method: request.method,
      headers: request.headers,
      body: request.body ?? null,
      signal: controller.signal,
    });
    const raw = await readCapped(response.body, header(response.headers['content-length']), limits.maxResponseBytes);
    return { kind: 'response', status: response.statusCode, headers: returnableResponseHeaders(response.headers), raw };
  } catch (error) {
    if (error instanceof ResponseTooLargeError) return { kind: 'too-large' };
    if (timedOut || error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) {
      return { kind: 'timeout' };
    }
    if (error instanceof undiciErrors.InvalidArgumentError) return { kind: 'rejected', cause: error };
    return { kind: 'network', cause: error };
  } finally {
    clearTimeout(timer);
  }
}

/** A short, address-free description of a network failure for health reports (`ECONNREFUSED`, `UND_ERR_SOCKET`). */
export function describeNetworkError(cause: unknown): string {
  // undici wraps the socket error; the innermost code is the informative one.
  let code: string | undefined;
  let name: string | undefined;
  let current: unknown = cause;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++, current = current.cause) {
    const candidate: unknown = (current as { code?: unknown }).code;
    if (typeof candidate === 'string') code = candidate;
    name ??= current.name;
  }
  return code ?? name ?? 'network error';
}
