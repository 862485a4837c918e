import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { targetGuard } from '../../subgraphs/webhooks/delivery/target-guard.ts';
import { webhookSender, type WebhookSender } from '../../subgraphs/webhooks/delivery/webhook-sender.ts';

const HEADERS = { 'webhook-id': 'msg_1', 'webhook-timestamp': '1', 'webhook-signature': 'v1,x' };

describe('webhook sender (real HTTP server on loopback)', () => {
  let server: Server;
  let base: string;
  let sender: WebhookSender;

  beforeAll(async () => {
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        if (request.url === '/huge') {
          response.writeHead(200, { 'content-type': 'text/plain' });
          // Far past what the sender reads: it keeps the status and an excerpt and drops the socket.
          const chunk = 'y'.repeat(16 * 1024);
          for (let i = 0; i < 64; i += 1) response.write(chunk);
          response.end();
        } else if (request.url === '/dribble') {
          // Each byte well inside the body timeout, the whole answer past the attempt's deadline.
          response.writeHead(200, { 'content-type': 'text/plain' });
          const timer = setInterval(() => response.write('.'), 50);
          response.on('close', () => clearInterval(timer));
        } else {
          response.writeHead(429, { 'retry-after': '7' });
          response.end('slow down');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    sender = webhookSender({ guard: targetGuard(['loopback']), timeoutMs: 400, excerptBytes: 10 });
  });
  afterAll(async () => {
    await sender?.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('reports the status, an excerpt and Retry-After', async () => {
    expect(await sender.send(`${base}/busy?x=1`, HEADERS, '{}')).toEqual({ status: 429, excerpt: 'slow down', error: null, retryAfterMs: 7_000 });
  });

  it('stops reading a huge body and keeps its status', async () => {
    expect(await sender.send(`${base}/huge`, HEADERS, '{}')).toEqual({ status: 200, excerpt: 'yyyyyyyyyy', error: null, retryAfterMs: null });
  });

  it('ends an attempt at its deadline even when bytes keep coming', async () => {
    const started = performance.now();
    const result = await sender.send(`${base}/dribble`, HEADERS, '{}');
    expect(result).toEqual({ status: null, excerpt: null, error: 'timed out after 400 ms', retryAfterMs: null });
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it('refuses a literal address the guard does not allow, without connecting', async () => {
    const strict = webhookSender({ guard: targetGuard([]), timeoutMs: 400 });
    try {
      const result = await strict.send(`${base}/busy`, HEADERS, '{}');
      expect(result.status).toBeNull();
      expect(result.error).toMatch(/^refused: target address 127\.0\.0\.1 is loopback/);
    } finally {
      await strict.close();
    }
  });
});
