import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { faultLedger } from '../../core/faults/fault-ledger.ts';
import { edgePipeline } from '../../core/http/edge-pipeline.ts';
import type { EdgePlugin } from '../../core/http/edge-plugin.ts';
import { sendJson } from '../../core/http/respond.ts';
import { requestIdPlugin } from '../../core/http/request-id.ts';
import { createLogger } from '../../core/logger.ts';
import { gatewayMetrics } from '../../gateway/observability/gateway-metrics.ts';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** An edge with the given plugins in front of one route, and what it logged. */
async function edgeWith(plugins: EdgePlugin[]) {
  const lines: string[] = [];
  const logger = createLogger('info', new Writable({ write: (chunk, _encoding, done) => void (lines.push(String(chunk)), done()) }));
  const faults = faultLedger(logger);
  const handler = edgePipeline({ plugins: [requestIdPlugin(), ...plugins], logger, faults, routes: { '/ok': { GET: async ({ response }) => sendJson(response, 200, { ok: true }) } } });
  const server = createServer((request, response) => void handler(request, response));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, faults, lines };
}

describe('the edge pipeline when a plugin throws', () => {
  it('contains a response hook that throws: the answer was sent, the next request is served, the throw is logged with its request id and counted', async () => {
    let calls = 0;
    const edge = await edgeWith([{ name: 'broken-report', onResponse: () => void (calls += 1, JSON.parse('not json')) }]);
    const first = await fetch(`${edge.url}/ok`, { headers: { 'x-request-id': 'req_hook_1' } });
    expect(first.status).toBe(200);
    expect((await fetch(`${edge.url}/ok`)).status).toBe(200);
    await expect.poll(() => calls).toBe(2);
    expect(edge.faults.counts().contained.get('response-hook')).toBe(2);
    const logged = edge.lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line['requestId'] === 'req_hook_1');
    expect(logged).toMatchObject({ entry: 'response-hook', err: { type: 'SyntaxError' } });
    const metrics = gatewayMetrics({ processMetrics: false });
    metrics.sources.faults = edge.faults.counts;
    expect(await metrics.registry.metrics()).toContain('gateway_contained_errors{entry="response-hook"} 2');
  });

  it('answers 500 with the envelope when a request hook throws, and keeps no request in flight', async () => {
    const edge = await edgeWith([{ name: 'broken-prelude', onRequest: () => { throw new Error('prelude bug'); } }]);
    const answer = await fetch(`${edge.url}/ok`);
    expect(answer.status).toBe(500);
    expect(await answer.json()).toMatchObject({ success: false, error_code: 'INTERNAL_ERROR' });
    expect(edge.faults.inFlight.size).toBe(0);
  });

  it('refuses a request target that is not a URL with 400 and routes //x as a path, not a host', async () => {
    const edge = await edgeWith([]);
    const { rawRequest } = await import('../support/raw-http.ts');
    expect((await rawRequest(edge.url, 'GET http://[/ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).status).toBe(400);
    expect((await rawRequest(edge.url, 'GET //[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).status).toBe(404);
    expect((await rawRequest(edge.url, 'GET //evil.example/ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).status).toBe(404);
    expect((await rawRequest(edge.url, 'GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).status).toBe(200);
  });
});
