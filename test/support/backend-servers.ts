import { request as httpRequest, createServer, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';

/** A request as the backend saw it: headers exactly as they arrived, the body only counted. */
export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly bodyBytes: number;
}

export interface TestBackend {
  readonly url: string;
  readonly seen: SeenRequest[];
  close(): Promise<void>;
}

/**
 * A Go-backend stand-in on 127.0.0.1: answers every request with what it saw as
 * JSON, plus connection-level headers of its own that a proxy must not pass on
 * (`Connection: X-Backend-Secret`, `X-Backend-Secret`, `Keep-Alive`, `Proxy-Foo`)
 * and a `Set-Cookie`. `handle` may answer instead (return true when it did).
 */
export async function startTestBackend(handle?: (request: IncomingMessage, response: ServerResponse) => boolean | Promise<boolean>): Promise<TestBackend> {
  const seen: SeenRequest[] = [];
  const server = createServer(async (request, response) => {
    if (handle && (await handle(request, response))) return;
    let bodyBytes = 0;
    for await (const chunk of request) bodyBytes += (chunk as Buffer).byteLength;
    const entry = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, bodyBytes };
    seen.push(entry);
    const text = JSON.stringify(entry);
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      connection: 'keep-alive, X-Backend-Secret',
      'x-backend-secret': 'backend-internal',
      'keep-alive': 'timeout=99',
      'proxy-foo': 'backend-proxy-header',
      'set-cookie': 'session=backend; Path=/',
      'x-backend': 'yes',
    });
    response.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface RawAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** node:http rather than fetch: it sends any header (Connection, Keep-Alive, TE...) as written. */
export function rawRequest(url: string, options: { method?: string; headers?: OutgoingHttpHeaders; body?: Buffer | string | Readable } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers ?? {}, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    request.on('error', reject);
    const { body } = options;
    if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) request.end(body);
    else body.pipe(request);
  });
}

export const jsonBody = (answer: RawAnswer): any => JSON.parse(answer.body.toString('utf8'));
