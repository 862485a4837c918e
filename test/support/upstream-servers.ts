import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Real HTTP upstreams on 127.0.0.1 ephemeral ports, so upstream-client tests go
 * through undici, sockets and keep-alive exactly as production does.
 */

export interface TestUpstream {
  /** `http://127.0.0.1:<port>` (plus the base path, when one was asked for). */
  readonly url: string;
  /** Requests received so far (a request counts when its headers arrive). */
  hits(): number;
  close(): Promise<void>;
}

/** What the echo handler answers: the request as the upstream saw it. */
export interface EchoedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string | string[]>;
  readonly headers: IncomingHttpHeaders;
  /** Parsed JSON when the request said JSON, else the raw text, null when empty. */
  readonly body: unknown;
  /** The client's source port: equal across requests when a kept-alive socket was reused. */
  readonly remotePort: number | undefined;
}

type Handler = (request: IncomingMessage, response: ServerResponse, rawBody: string) => void | Promise<void>;

async function startServer(handler: Handler, basePath = ''): Promise<TestUpstream> {
  let hits = 0;
  const server = createServer((request, response) => {
    hits += 1;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      Promise.resolve(handler(request, response, Buffer.concat(chunks).toString('utf8'))).catch(() => {
        // The client may have given up mid-answer (timeout tests); nothing to report.
        response.destroy();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${basePath}`,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  if (response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function echoOf(request: IncomingMessage, rawBody: string): EchoedRequest {
  const url = new URL(request.url ?? '/', 'http://upstream.test');
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    query[key] = values.length === 1 ? (values[0] ?? '') : values;
  }
  let body: unknown = rawBody === '' ? null : rawBody;
  if (rawBody !== '' && request.headers['content-type']?.startsWith('application/json')) body = JSON.parse(rawBody) as unknown;
  return { method: request.method ?? '', path: url.pathname, query, headers: request.headers, body, remotePort: request.socket.remotePort };
}

/**
 * Echoes every request back as JSON (HEAD gets the headers only). Reserved paths
 * below the base path: `GET /health` → 200 `{status:"ok"}`; `/status/<code>` →
 * that status with an error body; `/text` → text/plain; `/bytes/<n>` → n bytes,
 * streamed without a Content-Length.
 */
export function startHealthyUpstream(options: { basePath?: string } = {}): Promise<TestUpstream> {
  const basePath = options.basePath ?? '';
  return startServer((request, response, rawBody) => {
    const echo = echoOf(request, rawBody);
    const local = echo.path.startsWith(basePath) ? echo.path.slice(basePath.length) : echo.path;
    const status = /^\/status\/(\d{3})$/.exec(local);
    const bytes = /^\/bytes\/(\d+)$/.exec(local);
    if (local === '/health' && echo.method === 'GET') return sendJson(response, 200, { status: 'ok' });
    if (status) return sendJson(response, Number(status[1]), { error: `status ${status[1]}`, echo });
    if (local === '/text') {
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      return void response.end('plain text, not JSON');
    }
    if (bytes) {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      let remaining = Number(bytes[1]);
      while (remaining > 0) {
        response.write(remaining >= chunk.length ? chunk : chunk.subarray(0, remaining));
        remaining -= chunk.length;
      }
      return void response.end();
    }
    sendJson(response, 200, echo);
  }, basePath);
}

export interface SlowUpstreamOptions {
  /** Wait before sending headers. @default 0 */
  readonly headersDelayMs?: number;
  /** Wait between the headers and the body. @default 0 */
  readonly bodyDelayMs?: number;
}

/** Echoes like the healthy upstream, only late; `/health` is delayed too. */
export function startSlowUpstream(options: SlowUpstreamOptions): Promise<TestUpstream> {
  return startServer(async (request, response, rawBody) => {
    await sleep(options.headersDelayMs ?? 0);
    if (response.destroyed) return;
    const text = JSON.stringify(echoOf(request, rawBody));
    response.writeHead(200, { 'content-type': 'application/json' });
    response.flushHeaders();
    await sleep(options.bodyDelayMs ?? 0);
    if (!response.destroyed) response.end(text);
  });
}

export interface FailingUpstreamOptions {
  /** How many requests fail before the upstream recovers. */
  readonly failures: number;
  /** @default 503 */
  readonly status?: number;
}

/** Answers `status` to the first `failures` requests, then echoes with 200 like the healthy upstream. */
export function startFailingUpstream(options: FailingUpstreamOptions): Promise<TestUpstream> {
  let served = 0;
  return startServer((request, response, rawBody) => {
    served += 1;
    if (served <= options.failures) return sendJson(response, options.status ?? 503, { error: 'upstream failing' });
    sendJson(response, 200, echoOf(request, rawBody));
  });
}

/** A URL whose port had a listener a moment ago and now has none: connections are refused. */
export async function startDownUpstream(): Promise<TestUpstream> {
  const probe = await startServer(() => undefined);
  await probe.close();
  return { url: probe.url, hits: () => 0, close: async () => {} };
}
