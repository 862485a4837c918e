import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { registerAndLogin } from '../support/account-flows.ts';
import { jsonBody, rawRequest, startTestBackend, type TestBackend } from '../support/backend-servers.ts';
import { startTestGateway } from '../support/gateway-harness.ts';
import { waitFor } from '../support/subscription-client.ts';

const MIB = 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'y');

/** `total` bytes in 64 KiB chunks, as a chunked body (no Content-Length). */
function chunked(total: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const size = Math.min(CHUNK.byteLength, total - sent);
      sent += size;
      this.push(size === CHUNK.byteLength ? CHUNK : CHUNK.subarray(0, size));
    },
  });
}

describe('BACKEND_MAX_BODY_BYTES: the pass-through caps request bodies, still streaming', () => {
  let backend: TestBackend;
  /** Requests the backend began to receive, and how each ended. */
  const arrivals: Array<{ url: string; received: number; ended: 'complete' | 'aborted' | 'open' }> = [];
  let gateway: RunningGateway;
  let auth: { authorization: string };

  beforeAll(async () => {
    backend = await startTestBackend((request, response) => {
      if (!request.url?.includes('/watched/')) return false;
      const arrival = { url: request.url, received: 0, ended: 'open' as 'complete' | 'aborted' | 'open' };
      arrivals.push(arrival);
      request.on('data', (chunk: Buffer) => (arrival.received += chunk.byteLength));
      request.on('end', () => {
        arrival.ended = 'complete';
        response.end(JSON.stringify({ received: arrival.received }));
      });
      request.on('close', () => {
        if (arrival.ended === 'open') arrival.ended = 'aborted';
      });
      request.on('error', () => undefined);
      return true;
    });
    gateway = await startTestGateway({
      BACKEND_MAX_BODY_BYTES: String(MIB),
      BACKEND_ROUTES: `/api/v1/*=${backend.url},/big/*=${backend.url};name=big;max_body=4194304`,
    });
    auth = { authorization: `Bearer ${(await registerAndLogin(gateway.url, 'cap@backend.test')).token}` };
  }, 120_000);

  afterAll(async () => {
    await gateway?.close();
    await backend?.close();
  });

  it('a Content-Length over the cap is a 413 envelope before a byte reaches the backend', async () => {
    const seen = backend.seen.length;
    const answer = await rawRequest(`${gateway.url}/api/v1/blocks`, { method: 'POST', headers: { ...auth, 'content-type': 'application/octet-stream' }, body: Buffer.alloc(MIB + 1) });
    expect(answer.status).toBe(413);
    expect(jsonBody(answer)).toMatchObject({ success: false, error_code: 'PAYLOAD_TOO_LARGE' });
    expect(jsonBody(answer).error).toContain(`${MIB} bytes`);
    expect(backend.seen.length).toBe(seen);
  });

  it('a body at the cap passes whole', async () => {
    const answer = await rawRequest(`${gateway.url}/api/v1/watched/exact`, { method: 'PUT', headers: auth, body: chunked(MIB) });
    expect(answer.status).toBe(200);
    expect(jsonBody(answer)).toEqual({ received: MIB });
  });

  it('a chunked body passing the cap aborts the backend request midway and answers 413', async () => {
    const answer = await rawRequest(`${gateway.url}/api/v1/watched/over`, { method: 'POST', headers: auth, body: chunked(8 * MIB) });
    expect(answer.status).toBe(413);
    expect(jsonBody(answer)).toMatchObject({ error_code: 'PAYLOAD_TOO_LARGE' });
    const arrival = arrivals.find((entry) => entry.url.endsWith('/watched/over'));
    await waitFor(() => arrival?.ended !== 'open', 10_000, 'the backend request to end');
    expect(arrival?.ended).toBe('aborted');
    expect(arrival!.received).toBeLessThanOrEqual(MIB);
  });

  it("a route's own max_body overrides the default", async () => {
    const answer = await rawRequest(`${gateway.url}/big/watched/two`, { method: 'POST', headers: auth, body: chunked(2 * MIB) });
    expect(answer.status).toBe(200);
    expect(jsonBody(answer)).toEqual({ received: 2 * MIB });
    const over = await rawRequest(`${gateway.url}/big/x`, { method: 'POST', headers: { ...auth, 'content-length': String(4 * MIB + 1) }, body: Buffer.alloc(4 * MIB + 1) });
    expect(over.status).toBe(413);
  });

  it('OpenAPI states each pass-through\'s cap and its 413', async () => {
    const openapi = (await (await fetch(`${gateway.url}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, any>> };
    expect(openapi.paths['/api/v1/{path}']!['post'].responses['413'].description).toContain(`${MIB} bytes`);
    expect(openapi.paths['/big/{path}']!['put'].requestBody.description).toContain(`${4 * MIB} bytes`);
  });
});
