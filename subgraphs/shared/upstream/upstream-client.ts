import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, type Dispatcher } from 'undici';
import { validationError } from '../../../core/errors/errors.ts';
import type { Principal } from '../../../core/identity/principal.ts';
import { circuitBreaker, type BreakerPermit, type BreakerState, type CircuitBreakerOptions } from '../../../core/upstream/circuit-breaker.ts';
import { assertValidHeaders, forwardableRequestHeaders, PRINCIPAL_HEADER, REQUEST_ID_HEADER } from '../../../core/upstream/forwarded-headers.ts';
import { principalAssertion } from '../../../core/upstream/principal-assertion.ts';
import { decodeBody } from './response-body.ts';
import { backoffDelay, isIdempotent, isRetryableStatus, type HttpMethod } from '../../../core/upstream/retry-policy.ts';
import { attemptOnce, describeNetworkError, type AttemptOutcome } from './upstream-attempt.ts';
import {
  upstreamCircuitOpen,
  upstreamResponseTooLarge,
  upstreamTimedOut,
  upstreamUnreachable,
} from './upstream-failures.ts';
import { parseUpstreamBase, resolveUpstreamPath, type QueryParams } from './upstream-target.ts';

/**
 * The one way a subgraph talks to the upstream service behind it: a keep-alive
 * pool, a deadline per attempt, retries for idempotent calls, a circuit breaker,
 * and a signed principal instead of the client's credentials.
 */

export interface UpstreamClientOptions {
  /** The upstream's name: in error messages, and the audience of the principal assertion. */
  readonly name: string;
  /** http(s) URL; request paths are appended to its path. */
  readonly baseUrl: string;
  /** Deadline for one attempt, connecting through the last body byte. @default 10000 */
  readonly timeoutMs?: number;
  /** Extra attempts for idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE). @default 2 */
  readonly retries?: number;
  /** First retry waits about this long (equal jitter), doubling each time. @default 100 */
  readonly retryBackoffMs?: number;
  /** Cap on one backoff wait. @default 2000 */
  readonly maxRetryBackoffMs?: number;
  /** @default { failureThreshold: 5, coolDownMs: 30000 } */
  readonly breaker?: CircuitBreakerOptions;
  /** Larger bodies fail the call with SERVICE_UNAVAILABLE. @default 10485760 (10 MiB) */
  readonly maxResponseBytes?: number;
  /** HS256 key for `X-Gateway-Principal`; upstreams verify with the same bytes. */
  readonly signingSecret: Uint8Array;
  /** Lifetime of the principal assertion. @default 60 */
  readonly principalTtlSeconds?: number;
  /** Probe deadline. @default min(timeoutMs, 5000) */
  readonly probeTimeoutMs?: number;
  /** Keep-alive sockets to this upstream. @default 32 */
  readonly connections?: number;
  /** Supplied by the caller, who also closes it; by default the client owns a keep-alive `Pool`. */
  readonly dispatcher?: Dispatcher;
}

export interface UpstreamRequest {
  readonly method: HttpMethod;
  /** Below the base URL's path; no `..`, no scheme or authority, no query (use `query`). */
  readonly path: string;
  readonly query?: QueryParams;
  /** Extra headers; credentials and hop-by-hop headers are dropped. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as JSON when defined. */
  readonly body?: unknown;
  /** Signed into `X-Gateway-Principal`; null sends no principal (anonymous call). */
  readonly principal: Principal | null;
  readonly requestId: string;
}

export interface UpstreamResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** Parsed JSON when the upstream says JSON, text otherwise, null when empty. */
  readonly body: unknown;
  /** The whole call, retries and backoff included. */
  readonly durationMs: number;
  readonly attempts: number;
}

export interface UpstreamProbe {
  readonly up: boolean;
  readonly latencyMs: number;
  readonly error?: string;
}

export interface UpstreamClient {
  readonly name: string;
  /** Non-2xx answers are returned; network errors, timeouts and an open circuit throw SERVICE_UNAVAILABLE. */
  request(request: UpstreamRequest): Promise<UpstreamResponse>;
  /** One GET (default `/health`), bypassing breaker and retries; up means an answer below 400. Never throws. */
  probe(path?: string): Promise<UpstreamProbe>;
  state(): BreakerState;
  close(): Promise<void>;
}

export function upstreamClient(options: UpstreamClientOptions): UpstreamClient {
  const { name } = options;
  const base = parseUpstreamBase(name, options.baseUrl);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const retries = options.retries ?? 2;
  const backoff = { baseMs: options.retryBackoffMs ?? 100, maxMs: options.maxRetryBackoffMs ?? 2_000 };
  const limits = { timeoutMs, maxResponseBytes: options.maxResponseBytes ?? 10 * 1024 * 1024 };
  const probeLimits = { ...limits, timeoutMs: options.probeTimeoutMs ?? Math.min(timeoutMs, 5_000) };
  // Misconfiguration should stop start-up, not surface later as a misleading "circuit open".
  if (!(timeoutMs > 0)) throw new RangeError(`Upstream '${name}': timeoutMs must be > 0, got ${timeoutMs}`);
  if (!Number.isInteger(retries) || retries < 0) throw new RangeError(`Upstream '${name}': retries must be an integer >= 0, got ${retries}`);
  if (!(limits.maxResponseBytes > 0)) throw new RangeError(`Upstream '${name}': maxResponseBytes must be > 0`);
  const breaker = circuitBreaker(options.breaker);
  const signPrincipal = principalAssertion({
    secret: options.signingSecret,
    audience: name,
    ...(options.principalTtlSeconds === undefined ? {} : { ttlSeconds: options.principalTtlSeconds }),
  });
  const ownsDispatcher = options.dispatcher === undefined;
  const dispatcher: Dispatcher = options.dispatcher ?? new Pool(base.origin, { connections: options.connections ?? 32 });
  let closing: Promise<void> | undefined;

  async function buildHeaders(request: UpstreamRequest, hasBody: boolean): Promise<Record<string, string>> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...forwardableRequestHeaders(request.headers),
      [REQUEST_ID_HEADER]: request.requestId,
      ...(hasBody ? { 'content-type': 'application/json' } : {}),
    };
    if (request.principal) headers[PRINCIPAL_HEADER] = await signPrincipal(request.principal);
    assertValidHeaders(headers);
    return headers;
  }

  function encodeBody(body: unknown): string | undefined {
    if (body === undefined) return undefined;
    try {
      return JSON.stringify(body);
    } catch {
      throw validationError('Request body is not serialisable as JSON', 'body');
    }
  }

  /** Reports an attempt to the breaker: only the upstream's own faults count against it. */
  function settle(permit: BreakerPermit, outcome: AttemptOutcome): void {
    switch (outcome.kind) {
      case 'response':
        if (outcome.status >= 500) permit.failure();
        else permit.success();
        return;
      case 'timeout':
      case 'network':
        permit.failure();
        return;
      case 'too-large':
        permit.success();
        return;
      case 'rejected':
        permit.release();
        return;
      default: {
        const unreachable: never = outcome;
        throw new Error(`Unknown attempt outcome ${JSON.stringify(unreachable)}`);
      }
    }
  }

  const retryable = (outcome: AttemptOutcome): boolean =>
    outcome.kind === 'timeout' || outcome.kind === 'network' || (outcome.kind === 'response' && isRetryableStatus(outcome.status));

  return {
    name,

    async request(request) {
      if (closing) throw upstreamUnreachable(name);
      const path = resolveUpstreamPath(base, request.path, request.query);
      const body = encodeBody(request.body);
      const headers = await buildHeaders(request, body !== undefined);
      const maxAttempts = isIdempotent(request.method) ? retries + 1 : 1;
      const started = performance.now();

      let outcome: AttemptOutcome | undefined;
      let attempts = 0;
      while (attempts < maxAttempts) {
        if (attempts > 0) await sleep(backoffDelay(attempts, backoff));
        const permit = breaker.tryAcquire();
        // Opened while we were retrying: report what the upstream last did rather than the circuit.
        if (!permit) break;
        attempts += 1;
        outcome = await attemptOnce(dispatcher, { origin: base.origin, path, method: request.method, headers, body }, limits);
        settle(permit, outcome);
        if (!retryable(outcome)) break;
      }
      if (outcome === undefined) throw upstreamCircuitOpen(name);

      switch (outcome.kind) {
        case 'response':
          return {
            status: outcome.status,
            headers: outcome.headers,
            body: request.method === 'HEAD' ? null : decodeBody(outcome.raw, outcome.headers['content-type']),
            durationMs: Math.round(performance.now() - started),
            attempts,
          };
        case 'timeout':
          throw upstreamTimedOut(name, timeoutMs);
        case 'network':
          throw upstreamUnreachable(name);
        case 'too-large':
          throw upstreamResponseTooLarge(name, limits.maxResponseBytes);
        case 'rejected':
          throw outcome.cause;
      }
    },

    async probe(path = '/health') {
      const started = performance.now();
      const latency = (): number => Math.round(performance.now() - started);
      if (closing) return { up: false, latencyMs: 0, error: 'client closed' };
      let target: string;
      try {
        target = resolveUpstreamPath(base, path);
      } catch (error) {
        return { up: false, latencyMs: 0, error: error instanceof Error ? error.message : 'invalid probe path' };
      }
      const headers = { accept: 'application/json' };
      const outcome = await attemptOnce(dispatcher, { origin: base.origin, path: target, method: 'GET', headers, body: undefined }, probeLimits);
      switch (outcome.kind) {
        case 'response':
          return outcome.status < 400 ? { up: true, latencyMs: latency() } : { up: false, latencyMs: latency(), error: `HTTP ${outcome.status}` };
        case 'timeout':
          return { up: false, latencyMs: latency(), error: `timed out after ${probeLimits.timeoutMs} ms` };
        case 'network':
          return { up: false, latencyMs: latency(), error: describeNetworkError(outcome.cause) };
        case 'too-large':
          // It answered; a health endpoint that says too much is still up.
          return { up: true, latencyMs: latency() };
        case 'rejected':
          return { up: false, latencyMs: latency(), error: describeNetworkError(outcome.cause) };
      }
    },

    state: () => breaker.state(),

    close() {
      closing ??= ownsDispatcher ? dispatcher.close() : Promise.resolve();
      return closing;
    },
  };
}
