import { jwtVerify } from 'jose';
import { Agent } from 'undici';
import { describe, expect, it } from 'vitest';
import { PRINCIPAL_HEADER, type HttpMethod } from '../../subgraphs/shared/upstream/index.ts';
import { startHealthyUpstream, type EchoedRequest } from '../support/upstream-servers.ts';
import { API_KEY, expectContractError, SIGNING_SECRET, upstreamFixtures, USER } from './fixtures.ts';

const fixtures = upstreamFixtures();

const CLIENT_HEADERS = {
  'X-Custom': 'kept',
  Authorization: 'Bearer client-token',
  'X-API-Key': '100x_client-key',
  Cookie: 'session=abc',
  'Proxy-Authorization': 'Basic eA==',
  Connection: 'x-named-hop',
  'X-Named-Hop': 'dropped because Connection names it',
  'X-Gateway-Principal': 'forged',
  'X-Internal-Token': 'internal',
  Host: 'evil.example',
};

async function verifyPrincipal(token: unknown, audience = 'test-module') {
  expect(typeof token).toBe('string');
  const { payload, protectedHeader } = await jwtVerify(token as string, SIGNING_SECRET, {
    algorithms: ['HS256'],
    audience,
    issuer: 'gateway',
  });
  expect(protectedHeader.alg).toBe('HS256');
  return payload;
}

describe('upstream client: proxying', () => {
  it.each<[HttpMethod, boolean]>([
    ['GET', false],
    ['OPTIONS', false],
    ['POST', true],
    ['PUT', true],
    ['PATCH', true],
    ['DELETE', true],
  ])('%s forwards path, query, safe headers, JSON body, request id and a signed principal', async (method, withBody) => {
    const server = await fixtures.track(startHealthyUpstream({ basePath: '/svc' }));
    const client = fixtures.client({ baseUrl: server.url });

    const response = await client.request({
      method,
      path: '/items/42',
      query: { q: 'a b', tag: ['x', 'y'] },
      headers: CLIENT_HEADERS,
      ...(withBody ? { body: { name: 'widget', nested: { n: 1 } } } : {}),
      principal: USER,
      requestId: 'req_abc123',
    });

    expect(response.status).toBe(200);
    expect(response.attempts).toBe(1);
    expect(response.durationMs).toBeGreaterThanOrEqual(0);
    expect(response.headers['content-type']).toBe('application/json');
    const echo = response.body as EchoedRequest;
    expect(echo.method).toBe(method);
    expect(echo.path).toBe('/svc/items/42');
    expect(echo.query).toEqual({ q: 'a b', tag: ['x', 'y'] });
    expect(echo.body).toEqual(withBody ? { name: 'widget', nested: { n: 1 } } : null);
    if (withBody) expect(echo.headers['content-type']).toBe('application/json');
    expect(echo.headers['x-custom']).toBe('kept');
    expect(echo.headers['x-request-id']).toBe('req_abc123');
    expect(echo.headers['host']).toBe(new URL(server.url).host);
    for (const withheld of ['authorization', 'x-api-key', 'cookie', 'proxy-authorization', 'x-named-hop', 'x-internal-token']) {
      expect(echo.headers, withheld).not.toHaveProperty(withheld);
    }

    const claims = await verifyPrincipal(echo.headers[PRINCIPAL_HEADER]);
    expect(claims).toMatchObject({ sub: 'user-1', kind: 'user', tier: 'pro', scopes: ['read:modules', 'write:modules'] });
    expect(claims).not.toHaveProperty('key_id');
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(60);
  });

  it('HEAD returns status and headers with a null body', async () => {
    const server = await fixtures.track(startHealthyUpstream());
    const client = fixtures.client({ baseUrl: server.url });
    const response = await client.request({ method: 'HEAD', path: '/anything', principal: null, requestId: 'r1' });
    expect(response.status).toBe(200);
    expect(response.body).toBeNull();
  });

  it('signs API-key callers with their key id, and sends no principal for anonymous calls', async () => {
    const server = await fixtures.track(startHealthyUpstream());
    const client = fixtures.client({ name: 'law-module', baseUrl: server.url });

    const keyed = await client.request({ method: 'GET', path: '/', principal: API_KEY, requestId: 'r1' });
    const claims = await verifyPrincipal((keyed.body as EchoedRequest).headers[PRINCIPAL_HEADER], 'law-module');
    expect(claims).toMatchObject({ sub: 'user-2', kind: 'apiKey', key_id: 'key-7', tier: 'free', aud: 'law-module' });

    const anonymous = await client.request({ method: 'GET', path: '/', principal: null, requestId: 'r2' });
    expect((anonymous.body as EchoedRequest).headers).not.toHaveProperty(PRINCIPAL_HEADER);
  });

  it('a principal signed for one upstream does not verify as another', async () => {
    const server = await fixtures.track(startHealthyUpstream());
    const client = fixtures.client({ name: 'bookkeeping', baseUrl: server.url });
    const response = await client.request({ method: 'GET', path: '/', principal: USER, requestId: 'r1' });
    await expect(verifyPrincipal((response.body as EchoedRequest).headers[PRINCIPAL_HEADER], 'marketing')).rejects.toThrow();
  });

  it('returns 4xx answers with their status and body instead of throwing', async () => {
    const server = await fixtures.track(startHealthyUpstream());
    const client = fixtures.client({ baseUrl: server.url });
    const response = await client.request({ method: 'POST', path: '/status/422', body: {}, principal: null, requestId: 'r1' });
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ error: 'status 422' });
  });

  it('returns non-JSON bodies as text', async () => {
    const server = await fixtures.track(startHealthyUpstream());
    const client = fixtures.client({ baseUrl: server.url });
    const response = await client.request({ method: 'GET', path: '/text', principal: null, requestId: 'r1' });
    expect(response.body).toBe('plain text, not JSON');
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('reuses kept-alive sockets across calls', async () => {
    const server = await fixtures.track(startHealthyUpstream());
    const client = fixtures.client({ baseUrl: server.url });
    const ports = [];
    for (let i = 0; i < 6; i++) {
      const response = await client.request({ method: 'GET', path: '/', principal: null, requestId: `r${i}` });
      ports.push((response.body as EchoedRequest).remotePort);
    }
    // undici's Pool may still count a socket busy just after its body was read and
    // open a second one, so sequential calls alternate between two; never six.
    expect(new Set(ports).size).toBeLessThanOrEqual(2);
  });

  it('caps the response size, counting bytes as they stream', async () => {
    const server = await fixtures.track(startHealthyUpstream());
    const client = fixtures.client({ baseUrl: server.url, maxResponseBytes: 100_000 });
    const small = await client.request({ method: 'GET', path: '/bytes/1000', principal: null, requestId: 'r1' });
    expect(small.body).toBe('x'.repeat(1000));
    await expectContractError(
      client.request({ method: 'GET', path: '/bytes/300000', principal: null, requestId: 'r2' }),
      'SERVICE_UNAVAILABLE',
      "Module upstream 'test-module' sent a response larger than 100000 bytes",
    );
    expect(client.state()).toBe('closed');
  });

  it('refuses header injection before touching the network', async () => {
    const server = await fixtures.track(startHealthyUpstream());
    const client = fixtures.client({ baseUrl: server.url });
    await expectContractError(
      client.request({ method: 'GET', path: '/', headers: { 'x-a': 'v\r\nx-injected: 1' }, principal: null, requestId: 'r1' }),
      'VALIDATION_ERROR',
      "Invalid value for header 'x-a'",
    );
    await expectContractError(
      client.request({ method: 'GET', path: '/', principal: null, requestId: 'r\nx' }),
      'VALIDATION_ERROR',
      /x-request-id/,
    );
    expect(server.hits()).toBe(0);
  });

  it.each([
    '/../secret',
    '/a/%2e%2e/%2e%2e/secret',
    '//evil.example/x',
    'http://evil.example/x',
    '/a\\..\\secret',
    '/a\r\nHost: evil.example',
    '/a%2f..%2fsecret',
  ])('refuses the path %j without sending anything (SSRF / traversal)', async (path) => {
    const server = await fixtures.track(startHealthyUpstream({ basePath: '/svc' }));
    const client = fixtures.client({ baseUrl: server.url });
    await expectContractError(client.request({ method: 'GET', path, principal: null, requestId: 'r1' }), 'VALIDATION_ERROR', /^Invalid upstream path/);
    expect(server.hits()).toBe(0);
  });

  it('uses a caller-supplied dispatcher and leaves closing it to the caller', async () => {
    const server = await fixtures.track(startHealthyUpstream());
    const agent = new Agent({ keepAliveTimeout: 1_000 });
    const client = fixtures.client({ baseUrl: server.url, dispatcher: agent });
    expect((await client.request({ method: 'GET', path: '/', principal: null, requestId: 'r1' })).status).toBe(200);
    await client.close();
    expect(agent.closed).toBe(false);
    await agent.close();
  });

  it('refuses calls after close', async () => {
    const server = await fixtures.track(startHealthyUpstream());
    const client = fixtures.client({ baseUrl: server.url });
    await client.close();
    await expectContractError(
      client.request({ method: 'GET', path: '/', principal: null, requestId: 'r1' }),
      'SERVICE_UNAVAILABLE',
      "Module upstream 'test-module' is unreachable",
    );
  });
});
