import { pipeline as pipelineAsync } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, errors as undiciErrors, type Dispatcher } from 'undici';
import { payloadTooLarge, validationError } from '../../core/errors/errors.ts';
import { classifyFailure, dependencyUnavailable } from '../../core/errors/failure-class.ts';
import type { Exchange } from '../../core/http/exchange.ts';
import { sendErrorFromGraphQL } from '../../core/http/respond.ts';
import type { TrustProxy } from '../../core/http/trusted-proxies.ts';
import type { Principal } from '../../core/identity/principal.ts';
import { circuitBreaker, type BreakerState, type CircuitBreakerOptions } from '../../core/upstream/circuit-breaker.ts';
import { principalAssertion } from '../../core/upstream/principal-assertion.ts';
import { backoffDelay, isIdempotent, isRetryableStatus, type HttpMethod } from '../../core/upstream/retry-policy.ts';
import { callerResponseHeaders, backendRequestHeaders } from './backend-headers.ts';
import { NO_BACKEND_METER, type BackendMeter, type BackendOutcome } from './backend-metrics.ts';
import { backendPath, type BackendRoute } from './backend-routes.ts';
import { cappedBody, type CappedBody } from './request-body-cap.ts';

export interface BackendClientOptions {
  readonly route: BackendRoute;
  /** HS256 key of `X-Gateway-Principal` (UPSTREAM_SIGNING_SECRET), audience the backend's name. */
  readonly signingSecret: Uint8Array;
  readonly trustProxy: TrustProxy;
  /** @default { failureThreshold: 5, coolDownMs: 30000 } */
  readonly breaker?: CircuitBreakerOptions;
  /** First retry waits about this long (equal jitter), doubling each time. @default 100 */
  readonly retryBackoffMs?: number;
  /** @default 2000 */
  readonly maxRetryBackoffMs?: number;
  /** Keep-alive sockets to the backend. @default 64 */
  readonly connections?: number;
  /** @default no-op */
  readonly meter?: BackendMeter;
}

export interface BackendProbe {
  readonly status: 'up' | 'down';
  readonly latency_ms: number;
  readonly http_status?: number;
  readonly error?: string;
}

export interface BackendClient {
  readonly route: BackendRoute;
  /** Streams the caller's request to the backend and its answer back; a backend that cannot answer is a 503 naming it. */
  forward(exchange: Exchange, principal: Principal | null): Promise<void>;
  /** One GET of `<base>/health`; up when the backend answers below 500. Never throws. */
  probe(timeoutMs?: number): Promise<BackendProbe>;
  state(): BreakerState;
  usage(): { readonly requests: number; readonly failures: number };
  close(): Promise<void>;
}

/** Why no answer came: 'circuit-open', 'timeout', or the classified network reason ('refused', 'reset', 'unreachable'). */
type Failed = { readonly reason: string };

const isTimeout = (error: unknown): boolean =>
  error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError || error instanceof undiciErrors.ConnectTimeoutError;

/** Counts bytes as they pass, holding none beyond the stream's own small buffer. */
function byteMeter(count: (bytes: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      count(chunk.byteLength);
      callback(null, chunk);
    },
  });
}

export function backendClient(options: BackendClientOptions): BackendClient {
  const { route } = options;
  const meter = options.meter ?? NO_BACKEND_METER;
  const base = new URL(route.url);
  const basePath = base.pathname.replace(/\/+$/, '');
  const backoff = { baseMs: options.retryBackoffMs ?? 100, maxMs: options.maxRetryBackoffMs ?? 2_000 };
  const breaker = circuitBreaker(options.breaker);
  const sign = principalAssertion({ secret: options.signingSecret, audience: route.name });
  const dispatcher: Dispatcher = new Pool(base.origin, {
    connections: options.connections ?? 64,
    connect: { timeout: Math.min(route.timeoutMs, 10_000) },
    headersTimeout: route.timeoutMs,
    bodyTimeout: route.timeoutMs,
  });
  let requests = 0;
  let failures = 0;

  const unavailable = (exchange: Exchange, failed: Failed): void => {
    failures += 1;
    const subject = failed.reason === 'circuit-open' ? `Backend '${route.name}' (circuit open)` : `Backend '${route.name}'`;
    sendErrorFromGraphQL(exchange.response, exchange.requestId, dependencyUnavailable(route.name, failed.reason, subject));
  };

  async function relay(exchange: Exchange, answer: Dispatcher.ResponseData): Promise<void> {
    const { response } = exchange;
    response.writeHead(answer.statusCode, callerResponseHeaders(answer.headers, (name) => response.hasHeader(name)));
    try {
      await pipelineAsync(answer.body, byteMeter((bytes) => meter.bytes(route.name, 'download', bytes)), response);
    } catch {
      // The backend broke off mid-body or the caller left: the status is sent, so the caller sees a cut-off body.
      response.destroy();
    }
  }

  return {
    route,

    async forward(exchange, principal) {
      const { request, response } = exchange;
      requests += 1;
      const report = (outcome: BackendOutcome, started: number): void => meter.request(route.name, outcome, (performance.now() - started) / 1000);
      const method = (request.method ?? 'GET') as HttpMethod;
      const declared = Number(request.headers['content-length'] ?? 0);
      const hasBody = request.headers['transfer-encoding'] !== undefined || declared > 0;
      if (declared > route.maxBodyBytes) {
        report('rejected', performance.now());
        request.resume();
        return sendErrorFromGraphQL(response, exchange.requestId, payloadTooLarge(route.maxBodyBytes));
      }
      // A streamed body cannot be replayed, so only bodiless idempotent requests are tried again.
      const maxAttempts = isIdempotent(method) && !hasBody ? route.retries + 1 : 1;
      const headers = backendRequestHeaders(request, {
        trustProxy: options.trustProxy,
        requestId: exchange.requestId,
        ...(principal ? { principal: await sign(principal) } : {}),
      });
      const path = backendPath(basePath, exchange.url);
      const abort = new AbortController();
      const onClose = (): void => {
        if (!response.writableFinished) abort.abort();
      };
      response.once('close', onClose);
      const callerGone = (): boolean => abort.signal.aborted || (request.destroyed && !request.complete);

      let failed: Failed = { reason: 'circuit-open' };
      let capped: CappedBody | null = null;
      for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
        if (attempt > 0) {
          meter.retry(route.name);
          await sleep(backoffDelay(attempt, backoff));
          if (callerGone()) return;
        }
        const permit = breaker.tryAcquire();
        if (!permit) {
          // Opened while retrying: say what the backend last did, else that the circuit is open.
          if (attempt === 0) report('circuit_open', performance.now());
          break;
        }
        const started = performance.now();
        // Bodies are sent once (maxAttempts is 1 with a body), so the stream is made once.
        capped = hasBody ? cappedBody(request, route.maxBodyBytes, (bytes) => meter.bytes(route.name, 'upload', bytes)) : null;
        try {
          const answer = await dispatcher.request({ path, method, headers, body: capped?.stream ?? null, signal: abort.signal, headersTimeout: route.timeoutMs, bodyTimeout: route.timeoutMs });
          if (answer.statusCode >= 500) permit.failure();
          else permit.success();
          report(`${Math.floor(answer.statusCode / 100)}xx` as BackendOutcome, started);
          if (attempt + 1 < maxAttempts && isRetryableStatus(answer.statusCode)) {
            await answer.body.dump();
            failed = { reason: 'unreachable' };
            continue;
          }
          return await relay(exchange, answer);
        } catch (error) {
          if (capped?.exceeded()) {
            // The backend request was aborted with the body; the caller hears why unless its answer already began.
            permit.release();
            report('rejected', started);
            response.off('close', onClose);
            if (response.headersSent) return void response.destroy();
            return sendErrorFromGraphQL(response, exchange.requestId, payloadTooLarge(route.maxBodyBytes));
          }
          if (callerGone()) {
            permit.release();
            report('aborted', started);
            return;
          }
          if (error instanceof undiciErrors.RequestContentLengthMismatchError || error instanceof undiciErrors.InvalidArgumentError) {
            permit.release();
            report('rejected', started);
            request.resume();
            return sendErrorFromGraphQL(response, exchange.requestId, validationError('The request cannot be forwarded: its framing or headers are invalid'));
          }
          permit.failure();
          if (isTimeout(error)) {
            report('timeout', started);
            failed = { reason: 'timeout' };
          } else {
            report('unreachable', started);
            const failure = classifyFailure(error);
            failed = { reason: failure.kind === 'dependency-unavailable' ? failure.reason : 'unreachable' };
          }
        }
      }
      response.off('close', onClose);
      request.resume();
      unavailable(exchange, failed);
    },

    async probe(timeoutMs = 2_000) {
      const started = performance.now();
      const latency = (): number => Math.round((performance.now() - started) * 10) / 10;
      try {
        const answer = await dispatcher.request({ path: `${basePath}/health`, method: 'GET', headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs) });
        await answer.body.dump();
        return { status: answer.statusCode < 500 ? 'up' : 'down', latency_ms: latency(), http_status: answer.statusCode };
      } catch (error) {
        const failure = classifyFailure(error);
        return { status: 'down', latency_ms: latency(), error: isTimeout(error) || (error as Error).name === 'TimeoutError' ? 'timeout' : failure.kind === 'dependency-unavailable' ? failure.reason : 'unreachable' };
      }
    },

    state: () => breaker.state(),
    usage: () => ({ requests, failures }),

    async close() {
      // In-flight streams had the 'drain http' phase to finish; what is left is cut.
      const closed = dispatcher.close();
      const timer = setTimeout(() => void dispatcher.destroy(), 2_000);
      await closed.catch(() => undefined);
      clearTimeout(timer);
    },
  };
}
