import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { createApiKey, registerAndLogin } from '../support/account-flows.ts';
import { jsonBody, rawRequest, startTestBackend, type SeenRequest, type TestBackend } from '../support/backend-servers.ts';
import { startTestGateway } from '../support/gateway-harness.ts';
import { graphql } from '../support/graphql-client.ts';
import { startDownUpstream, startFailingUpstream, startSlowUpstream, type TestUpstream } from '../support/upstream-servers.ts';

const SIGNING_SECRET = 'backend-signing-secret-0123456789abcdef';
const REPORT = 'byRoute: groups(by: route) { key stats { requests } }';

describe('the backend pass-through (BACKEND_ROUTES)', () => {
  let backend: TestBackend;
  let slow: TestUpstream;
  let down: TestUpstream;
  let flaky: TestUpstream;
  let gateway: RunningGateway;
  let user: { token: string; userId: string };
  let apiKey: string;
  const auth = () => ({ authorization: `Bearer ${user.token}` });
  const lastSeen = (): SeenRequest => backend.seen[backend.seen.length - 1]!;

  beforeAll(async () => {
    backend = await startTestBackend();
    slow = await startSlowUpstream({ headersDelayMs: 1_500 });
    down = await startDownUpstream();
    flaky = await startFailingUpstream({ failures: 2, status: 503 });
    gateway = await startTestGateway({
      UPSTREAM_SIGNING_SECRET: SIGNING_SECRET,
      BACKEND_ROUTES: [
        `/api/v1/*=${backend.url}`,
        `/api/v1/slow/*=${slow.url};timeout=300ms;name=slow`,
        `/down/*=${down.url};name=down-backend;retries=0`,
        `/open/*=${backend.url};name=open;auth=optional`,
        `/flaky/*=${flaky.url};name=flaky`,
      ].join(','),
    });
    user = await registerAndLogin(gateway.url, 'backend-user@backend.test');
    apiKey = (await createApiKey(gateway.url, user.token, { name: 'backend key' })).apiKey;
  }, 120_000);

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([backend?.close(), slow?.close(), down?.close(), flaky?.close()]);
  });

  it('passes method, path, query and body through, sets X-Forwarded-* and signs the principal, without the gateway credentials', async () => {
    const answer = await rawRequest(`${gateway.url}/api/v1/blocks/7?chain=btc&api_key=${apiKey}&n=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req_backend_1', host: 'gateway.example:8443' },
      body: JSON.stringify({ height: 7 }),
    });
    expect(answer.status).toBe(200);
    const seen = jsonBody(answer) as SeenRequest;
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/api/v1/blocks/7?chain=btc&n=1');
    expect(seen.bodyBytes).toBe(JSON.stringify({ height: 7 }).length);
    expect(seen.headers['content-type']).toBe('application/json');
    expect(seen.headers['x-api-key']).toBeUndefined();
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers['x-request-id']).toBe('req_backend_1');
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.headers['x-forwarded-proto']).toBe('http');
    expect(seen.headers['x-forwarded-host']).toBe('gateway.example:8443');
    const { payload } = await jwtVerify(String(seen.headers['x-gateway-principal']), new TextEncoder().encode(SIGNING_SECRET), { audience: '/api/v1', issuer: 'gateway' });
    expect(payload).toMatchObject({ sub: user.userId, kind: 'apiKey' });
    // The gateway's own headers stay on the answer: its request id and its rate limits.
    expect(answer.headers['x-request-id']).toBe('req_backend_1');
    expect(answer.headers['x-ratelimit-limit']).toBeDefined();
    expect(answer.headers['x-backend']).toBe('yes');
  });

  it('drops hop-by-hop headers both ways: Connection and what it lists, Keep-Alive, TE, Trailer, Proxy-*; spoofed forwarding headers are replaced', async () => {
    // Chunked, since Node's client only sends a Trailer header with a chunked body.
    const answer = await rawRequest(`${gateway.url}/api/v1/smuggle`, {
      method: 'POST',
      body: Readable.from([Buffer.from('chunked body')]),
      headers: {
        ...auth(),
        connection: 'keep-alive, X-Secret',
        'x-secret': 'must-not-reach-the-backend',
        'keep-alive': 'timeout=42',
        te: 'trailers',
        trailer: 'X-Checksum',
        'proxy-authorization': 'Basic c2VjcmV0',
        'proxy-foo': 'client-proxy-header',
        'x-forwarded-for': '6.6.6.6',
        forwarded: 'for=6.6.6.6',
        'x-gateway-principal': 'forged',
        cookie: 'gateway-session=abc',
      },
    });
    expect(answer.status).toBe(200);
    const { headers } = lastSeen();
    for (const name of ['x-secret', 'keep-alive', 'te', 'trailer', 'proxy-authorization', 'proxy-foo', 'forwarded', 'cookie', 'authorization']) {
      expect(headers[name], name).toBeUndefined();
    }
    expect(headers.connection ?? 'keep-alive').not.toMatch(/x-secret/i);
    expect(headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(headers['x-gateway-principal']).not.toBe('forged');
    expect(lastSeen().bodyBytes).toBe('chunked body'.length);
    // And back: the backend's Connection-listed header, its Keep-Alive, Proxy-* and cookies stay behind.
    expect(answer.headers['x-backend-secret']).toBeUndefined();
    expect(answer.headers['proxy-foo']).toBeUndefined();
    expect(answer.headers['set-cookie']).toBeUndefined();
    expect(answer.headers['keep-alive']).not.toBe('timeout=99');
    expect(answer.headers['x-backend']).toBe('yes');
  });

  it('refuses a Connection header that lists a header the gateway vouches for (hop-by-hop abuse) with a 400, nothing forwarded', async () => {
    const before = backend.seen.length;
    for (const listed of ['X-Forwarded-For', 'Content-Length', 'X-Gateway-Principal']) {
      const answer = await rawRequest(`${gateway.url}/api/v1/strip`, { headers: { ...auth(), connection: `close, ${listed}` } });
      expect(answer.status, listed).toBe(400);
      expect(jsonBody(answer)).toMatchObject({ success: false, error_code: 'VALIDATION_ERROR', error: `The Connection header must not list '${listed.toLowerCase()}'` });
    }
    expect(backend.seen.length).toBe(before);
  });

  it('request smuggling attempts get a 4xx and nothing reaches the backend: Content-Length with Transfer-Encoding, an h2c upgrade', async () => {
    const before = backend.seen.length;
    const { host, port } = new URL(gateway.url);
    const exchange = (raw: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const socket = connect(Number(port), host.split(':')[0]!);
        let answer = '';
        socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
        socket.on('end', () => resolve(answer));
        socket.on('error', reject);
        socket.setTimeout(5_000, () => socket.end());
        socket.end(raw);
      });
    const bearer = `Authorization: Bearer ${user.token}\r\n`;
    // CL.TE: a front end reading Content-Length would see one request, a back end reading chunks two.
    const clte = await exchange(`POST /api/v1/first HTTP/1.1\r\nHost: gw\r\n${bearer}Content-Length: 44\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /api/v1/smuggled HTTP/1.1\r\nHost: gw\r\n\r\n`);
    expect(clte).toMatch(/^HTTP\/1\.1 400/);
    // h2c: a backend speaking HTTP/2 after a passed-on Upgrade would escape the gateway's view of the stream.
    const h2c = await exchange(`GET /api/v1/h2c HTTP/1.1\r\nHost: gw\r\n${bearer}Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n`);
    expect(h2c).toMatch(/^HTTP\/1\.1 4\d\d/);
    expect(h2c).not.toMatch(/^HTTP\/1\.1 101/);
    expect(backend.seen.slice(before).map((seen) => seen.url)).toEqual([]);
  });

  it('answers refused identity with 401 before the backend sees anything; an auth=optional route lets anonymous callers through unsigned', async () => {
    const before = backend.seen.length;
    const badToken = await rawRequest(`${gateway.url}/api/v1/blocks`, { headers: { authorization: 'Bearer not-a-jwt' } });
    expect(badToken.status).toBe(401);
    expect(jsonBody(badToken)).toMatchObject({ success: false, error_code: 'AUTHENTICATION_REQUIRED' });
    const badKey = await rawRequest(`${gateway.url}/api/v1/blocks?api_key=100x_nope`);
    expect(badKey.status).toBe(401);
    const anonymous = await rawRequest(`${gateway.url}/api/v1/blocks`, { method: 'PUT', body: 'x'.repeat(10_000) });
    expect(anonymous.status).toBe(401);
    expect(jsonBody(anonymous).error).toBe("Backend '/api/v1' needs a JWT or an API key");
    expect(backend.seen.length).toBe(before);

    const open = await rawRequest(`${gateway.url}/open/status`);
    expect(open.status).toBe(200);
    expect(lastSeen().headers['x-gateway-principal']).toBeUndefined();
  });

  it('leaves paths the REST bridge claims to the bridge, and picks the longest prefix', async () => {
    const before = backend.seen.length;
    const bridged = await rawRequest(`${gateway.url}/api/v1/api-keys`, { headers: auth() });
    expect(bridged.status).toBe(200);
    expect(jsonBody(bridged)).toMatchObject({ success: true });
    expect(backend.seen.length).toBe(before);
    const slowAnswer = await rawRequest(`${gateway.url}/api/v1/slow/x`, { headers: auth() });
    expect(slowAnswer.status).toBe(503);
    expect(jsonBody(slowAnswer)).toMatchObject({ error_code: 'SERVICE_UNAVAILABLE', error: "Backend 'slow' is unavailable; try again shortly" });
    expect(backend.seen.length).toBe(before);
  });

  it('answers a backend that is down with a 503 envelope naming it, then fails fast once its circuit opens', async () => {
    const answer = await rawRequest(`${gateway.url}/down/anything`, { headers: auth() });
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('5');
    expect(jsonBody(answer)).toMatchObject({ success: false, error_code: 'SERVICE_UNAVAILABLE', error: "Backend 'down-backend' is unavailable; try again shortly" });
    for (let i = 0; i < 4; i += 1) expect((await rawRequest(`${gateway.url}/down/anything`, { headers: auth() })).status).toBe(503);
    const fast = await rawRequest(`${gateway.url}/down/anything`, { headers: auth() });
    expect(jsonBody(fast).error).toBe("Backend 'down-backend' (circuit open) is unavailable; try again shortly");
  });

  it('retries an idempotent request without a body, never a POST', async () => {
    const post = await rawRequest(`${gateway.url}/flaky/orders`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: '{}' });
    expect(post.status).toBe(503);
    expect(flaky.hits()).toBe(1);
    const get = await rawRequest(`${gateway.url}/flaky/orders`, { headers: auth() });
    expect(get.status).toBe(200);
    expect(flaky.hits()).toBe(3);
  });

  it('shows each backend in /health/detailed and /metrics, records usage by route pattern, and documents the routes as pass-throughs', async () => {
    const health = ((await (await fetch(`${gateway.url}/health/detailed`)).json()) as any).data;
    expect(health.backend.routes['/api/v1']).toMatchObject({ prefix: '/api/v1/*', status: 'up', circuit: 'closed' });
    expect(health.backend.routes['down-backend']).toMatchObject({ status: 'down', circuit: 'open' });
    expect(health.backend.routes['down-backend'].failures).toBeGreaterThanOrEqual(6);

    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/gateway_backend_requests_total\{backend="\/api\/v1",outcome="2xx"\} [1-9]/);
    expect(metrics).toMatch(/gateway_backend_requests_total\{backend="down-backend",outcome="circuit_open"\} [1-9]/);
    expect(metrics).toMatch(/gateway_backend_circuit_state\{backend="down-backend"\} 2/);
    expect(metrics).toMatch(/gateway_backend_retries_total\{backend="flaky"\} 1/);
    expect(metrics).toMatch(/gateway_requests_total\{route="POST \/api\/v1\/\*"/);

    await gateway.usage.flush();
    const usage = await graphql<{ myUsage: { byRoute: Array<{ key: string; stats: { requests: number } }> } }>(gateway.url, `{ myUsage { ${REPORT} } }`, {}, { token: user.token });
    const byRoute = Object.fromEntries(usage.data!.myUsage.byRoute.map((group) => [group.key, group.stats.requests]));
    expect(byRoute['POST /api/v1/*']).toBe(2);
    expect(byRoute['GET /down/*']).toBeGreaterThanOrEqual(6);

    const openapi = (await (await fetch(`${gateway.url}/api/openapi.json`)).json()) as any;
    const passThrough = openapi.paths['/api/v1/{path}'];
    expect(Object.keys(passThrough)).toEqual(['get', 'post', 'put', 'patch', 'delete']);
    expect(passThrough.get.tags).toEqual(['backend']);
    expect(passThrough.get.parameters[0]).toMatchObject({ name: 'path', in: 'path' });
    expect(passThrough.post.responses.default.content).toHaveProperty('*/*');
    expect(passThrough.get.responses['503']).toBeDefined();
  });
});
