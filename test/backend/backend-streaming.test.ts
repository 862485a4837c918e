import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { registerAndLogin } from '../support/account-flows.ts';
import { startTestBackend, type TestBackend } from '../support/backend-servers.ts';
import { startTestGateway } from '../support/gateway-harness.ts';

const TOTAL_BYTES = 50 * 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;
/** Far below the 50 MB body: what buffering one of them in the gateway would cost at least. */
const MEMORY_BOUND_BYTES = 16 * 1024 * 1024;
/**
 * The whole test process's RSS (client, gateway and backend in one) also holds
 * garbage the collector has not yet taken, more of it on a loaded machine (25 MiB
 * seen at load 17): still half of what holding the one body would cost.
 */
const RSS_BOUND_BYTES = 32 * 1024 * 1024;

/**
 * The test process's memory while `work` runs (client, gateway and backend all
 * live here), sampled every 5 ms as growth over the start, and the most bytes
 * that were ever in flight (sent by one end, not yet received by the other):
 * holding a 50 MB body anywhere on the way would put that at 50 MB.
 */
async function memoryDuring<T>(work: () => Promise<T>, inFlight: () => number): Promise<{ result: T; rssPeak: number; heapPeak: number; inFlightPeak: number }> {
  const start = process.memoryUsage();
  const peak = { rss: start.rss, heap: start.heapUsed + start.arrayBuffers, inFlight: 0 };
  const timer = setInterval(() => {
    const usage = process.memoryUsage();
    peak.rss = Math.max(peak.rss, usage.rss);
    peak.heap = Math.max(peak.heap, usage.heapUsed + usage.arrayBuffers);
    peak.inFlight = Math.max(peak.inFlight, inFlight());
  }, 5);
  try {
    const result = await work();
    return { result, rssPeak: peak.rss - start.rss, heapPeak: peak.heap - start.heapUsed - start.arrayBuffers, inFlightPeak: peak.inFlight };
  } finally {
    clearInterval(timer);
  }
}

const mib = (bytes: number): string => (bytes / 1048576).toFixed(1);

/**
 * One chunk sent over and over: the test's own ends then make no garbage of
 * their own, so RSS shows what the gateway's path allocates; holding the body is
 * caught by the bytes in flight, which count bytes, not buffers.
 */
const CHUNK = Buffer.alloc(CHUNK_BYTES, 'x');

function generated(total: number, onChunk: (sent: number) => void): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const size = Math.min(CHUNK_BYTES, total - sent);
      sent += size;
      onChunk(sent);
      this.push(size === CHUNK_BYTES ? CHUNK : CHUNK.subarray(0, size));
    },
  });
}

describe('the backend proxy streams large bodies both ways', () => {
  let backend: TestBackend;
  let gateway: RunningGateway;
  let token: string;
  // What each end had done when the other end first saw a byte: buffering would make these the whole body.
  const progress = { clientSent: 0, backendReceived: 0, sentWhenBackendGotFirst: -1, backendWritten: 0, clientReceived: 0, writtenWhenClientGotFirst: -1 };

  beforeAll(async () => {
    backend = await startTestBackend(async (request, response) => {
      const url = new URL(request.url ?? '/', 'http://backend.test');
      if (url.pathname === '/api/v1/upload') {
        const hash = createHash('sha256');
        let bytes = 0;
        for await (const chunk of request) {
          if (bytes === 0) progress.sentWhenBackendGotFirst = progress.clientSent;
          bytes += (chunk as Buffer).byteLength;
          progress.backendReceived = bytes;
          hash.update(chunk as Buffer);
        }
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ bytes, sha256: hash.digest('hex') }));
        return true;
      }
      if (url.pathname === '/api/v1/download') {
        response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': TOTAL_BYTES });
        const source = generated(TOTAL_BYTES, (written) => (progress.backendWritten = written));
        source.pipe(response);
        return true;
      }
      return false;
    });
    gateway = await startTestGateway({ BACKEND_ROUTES: `/api/v1/*=${backend.url}` });
    token = (await registerAndLogin(gateway.url, 'streaming@backend.test')).token;
  }, 120_000);

  afterAll(async () => {
    await gateway?.close();
    await backend?.close();
  });

  it('uploads 50 MB to the backend without holding it: memory stays flat and the backend reads while the client still sends', async () => {
    const expected = createHash('sha256');
    const memory = await memoryDuring(
      () =>
        new Promise<{ status: number; body: { bytes: number; sha256: string } }>((resolve, reject) => {
          const request = httpRequest(`${gateway.url}/api/v1/upload`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'content-length': TOTAL_BYTES } }, (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
          });
          request.on('error', reject);
          const body = generated(TOTAL_BYTES, (sent) => (progress.clientSent = sent));
          body.on('data', (chunk: Buffer) => expected.update(chunk));
          body.pipe(request);
        }),
      () => progress.clientSent - progress.backendReceived,
    );
    const { result } = memory;
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ bytes: TOTAL_BYTES, sha256: expected.digest('hex') });
    expect(progress.sentWhenBackendGotFirst).toBeGreaterThan(0);
    expect(progress.sentWhenBackendGotFirst).toBeLessThan(8 * 1024 * 1024);
    console.info(`upload: RSS peak +${mib(memory.rssPeak)} MiB, heap+buffers peak +${mib(memory.heapPeak)} MiB (garbage included), in flight at most ${mib(memory.inFlightPeak)} MiB`);
    expect(memory.inFlightPeak).toBeLessThan(MEMORY_BOUND_BYTES);
    expect(memory.rssPeak).toBeLessThan(RSS_BOUND_BYTES);
  }, 120_000);

  it('downloads 50 MB from the backend the same way, paced by the client', async () => {
    const memory = await memoryDuring(
      () =>
        new Promise<{ status: number; bytes: number; length: string | undefined }>((resolve, reject) => {
          const request = httpRequest(`${gateway.url}/api/v1/download`, { headers: { authorization: `Bearer ${token}` } }, (response) => {
            let bytes = 0;
            response.on('data', (chunk: Buffer) => {
              if (bytes === 0) progress.writtenWhenClientGotFirst = progress.backendWritten;
              bytes += chunk.byteLength;
              progress.clientReceived = bytes;
            });
            response.on('end', () => resolve({ status: response.statusCode ?? 0, bytes, length: response.headers['content-length'] }));
          });
          request.on('error', reject);
          request.end();
        }),
      () => progress.backendWritten - progress.clientReceived,
    );
    const { result } = memory;
    expect(result.status).toBe(200);
    expect(result.bytes).toBe(TOTAL_BYTES);
    expect(result.length).toBe(String(TOTAL_BYTES));
    expect(progress.writtenWhenClientGotFirst).toBeGreaterThan(0);
    expect(progress.writtenWhenClientGotFirst).toBeLessThan(8 * 1024 * 1024);
    console.info(`download: RSS peak +${mib(memory.rssPeak)} MiB, heap+buffers peak +${mib(memory.heapPeak)} MiB (garbage included), in flight at most ${mib(memory.inFlightPeak)} MiB`);
    expect(memory.inFlightPeak).toBeLessThan(MEMORY_BOUND_BYTES);
    expect(memory.rssPeak).toBeLessThan(RSS_BOUND_BYTES);
  }, 120_000);
});
