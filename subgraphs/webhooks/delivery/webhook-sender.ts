import { Agent, type Dispatcher } from 'undici';
import { RefusedTargetError, type TargetGuard } from './target-guard.ts';
import { parseRetryAfter } from './retry-schedule.ts';
import type { SignedHeaders } from './signature.ts';

export interface SendResult {
  /** Null when no response arrived (timeout, refused connection, SSRF refusal). */
  readonly status: number | null;
  readonly excerpt: string | null;
  readonly error: string | null;
  readonly retryAfterMs: number | null;
}

export interface WebhookSenderOptions {
  readonly guard: TargetGuard;
  /** The whole attempt, connection to last byte read. */
  readonly timeoutMs: number;
  /** @default 1024 */
  readonly excerptBytes?: number;
}

export interface WebhookSender {
  send(url: string, headers: SignedHeaders, body: string): Promise<SendResult>;
  close(): Promise<void>;
}

/** Bodies past this are not worth reading: the socket is dropped instead. */
const MAX_BODY_READ = 64 * 1024;
/** Parsed targets kept; endpoints are few and their URLs rarely change. */
const MAX_CACHED_TARGETS = 10_000;

interface Target {
  readonly origin: string;
  readonly path: string;
}

/**
 * POSTs one signed delivery. Redirects are not followed (a 3xx is a failure, as
 * Standard Webhooks receivers are expected to answer 2xx); sockets are kept alive
 * per origin (the agent's pool per origin); every connection goes through the
 * target guard's DNS lookup.
 *
 * It speaks undici's dispatch API rather than `request()`: no body stream, no
 * async iterator, and the attempt's deadline is one timer that aborts through the
 * dispatch controller instead of an AbortSignal (whose listeners cost more than
 * the rest of the request; bench/README.md).
 */
export function webhookSender(options: WebhookSenderOptions): WebhookSender {
  const excerptBytes = options.excerptBytes ?? 1024;
  const agent = new Agent({
    connect: { lookup: options.guard.lookup, timeout: options.timeoutMs },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    keepAliveTimeout: 30_000,
  });
  const targets = new Map<string, Target | RefusedTargetError>();

  /** Literal addresses never reach the lookup, so they are checked here (once per URL). */
  const targetOf = (url: string): Target | RefusedTargetError => {
    let target = targets.get(url);
    if (target) return target;
    const parsed = new URL(url);
    try {
      options.guard.checkLiteral(parsed);
      target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
    } catch (error) {
      if (!(error instanceof RefusedTargetError)) throw error;
      target = error;
    }
    if (targets.size >= MAX_CACHED_TARGETS) targets.clear();
    targets.set(url, target);
    return target;
  };

  return {
    send(url, headers, body) {
      let target: Target | RefusedTargetError;
      try {
        target = targetOf(url);
      } catch (error) {
        return Promise.resolve(failed(error, options.timeoutMs));
      }
      if (target instanceof RefusedTargetError) return Promise.resolve(failed(target, options.timeoutMs));
      const { origin, path } = target;
      return new Promise<SendResult>((resolve) => {
        let settled = false;
        let controller: Dispatcher.DispatchController | undefined;
        let status = 0;
        let retryAfter: string | undefined;
        let read = 0;
        const chunks: Buffer[] = [];
        const settle = (result: SendResult) => {
          if (settled) return;
          settled = true;
          clearTimeout(deadline);
          resolve(result);
        };
        const answered = () => {
          const excerpt = chunks.length === 0 ? '' : Buffer.concat(chunks).subarray(0, excerptBytes).toString('utf8');
          settle({ status, excerpt: excerpt || null, error: null, retryAfterMs: parseRetryAfter(retryAfter) });
        };
        // The whole attempt, waiting for a connection included; aborting before the
        // request is written means nothing reaches the receiver.
        const deadline = setTimeout(() => {
          settle({ status: null, excerpt: null, error: `timed out after ${options.timeoutMs} ms`, retryAfterMs: null });
          controller?.abort(new Error('webhook attempt timed out'));
        }, options.timeoutMs);
        const handler: Dispatcher.DispatchHandler = {
          onRequestStart(started) {
            controller = started;
            if (settled) started.abort(new Error('webhook attempt timed out'));
          },
          onResponseStart(_, statusCode, responseHeaders) {
            status = statusCode;
            const value = responseHeaders['retry-after'];
            retryAfter = Array.isArray(value) ? value[0] : value;
          },
          onResponseData(started, chunk) {
            if (read < excerptBytes) chunks.push(chunk);
            read += chunk.length;
            if (read > MAX_BODY_READ) {
              answered();
              started.abort(new Error('response body too large to read'));
            }
          },
          onResponseEnd: answered,
          onResponseError: (_, error) => settle(failed(error, options.timeoutMs)),
        };
        agent.dispatch(
          {
            origin,
            path,
            method: 'POST',
            headers: { 'content-type': 'application/json', 'user-agent': 'federation-gateway-webhooks/1', ...headers },
            body,
          },
          handler,
        );
      });
    },
    close: () => agent.close(),
  };
}

function failed(error: unknown, timeoutMs: number): SendResult {
  return { status: null, excerpt: null, error: describeFailure(error, timeoutMs), retryAfterMs: null };
}

function describeFailure(error: unknown, timeoutMs: number): string {
  const cause = (error as { cause?: unknown }).cause;
  if (error instanceof RefusedTargetError || cause instanceof RefusedTargetError) {
    return `refused: ${(cause instanceof RefusedTargetError ? cause : (error as RefusedTargetError)).message}`;
  }
  const name = (error as { name?: string }).name;
  const code = (error as { code?: string }).code ?? (cause as { code?: string } | undefined)?.code;
  if (name === 'TimeoutError' || name === 'AbortError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return `timed out after ${timeoutMs} ms`;
  }
  return `${code ?? name ?? 'error'}: ${(error as Error).message ?? String(error)}`.slice(0, 500);
}
