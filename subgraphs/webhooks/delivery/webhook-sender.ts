import { Agent, request } from 'undici';
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

/**
 * POSTs one signed delivery. Redirects are not followed (a 3xx is a failure, as
 * Standard Webhooks receivers are expected to answer 2xx); sockets are kept alive
 * per origin; every connection goes through the target guard's DNS lookup.
 */
export function webhookSender(options: WebhookSenderOptions): WebhookSender {
  const excerptBytes = options.excerptBytes ?? 1024;
  const agent = new Agent({
    connect: { lookup: options.guard.lookup, timeout: options.timeoutMs },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    keepAliveTimeout: 30_000,
  });

  return {
    async send(url, headers, body) {
      const target = new URL(url);
      try {
        // Literal addresses never reach the lookup, so they are checked here.
        options.guard.checkLiteral(target);
        const response = await request(target, {
          method: 'POST',
          dispatcher: agent,
          headers: { 'content-type': 'application/json', 'user-agent': 'federation-gateway-webhooks/1', ...headers },
          body,
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        let read = 0;
        const chunks: Buffer[] = [];
        for await (const chunk of response.body as AsyncIterable<Buffer>) {
          if (read < excerptBytes) chunks.push(chunk);
          read += chunk.length;
          if (read > MAX_BODY_READ) {
            response.body.destroy();
            break;
          }
        }
        const retryAfter = response.headers['retry-after'];
        return {
          status: response.statusCode,
          excerpt: Buffer.concat(chunks).subarray(0, excerptBytes).toString('utf8') || null,
          error: null,
          retryAfterMs: parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter),
        };
      } catch (error) {
        return { status: null, excerpt: null, error: describeFailure(error, options.timeoutMs), retryAfterMs: null };
      }
    },
    close: () => agent.close(),
  };
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
