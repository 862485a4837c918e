import { describe, expect, it } from 'vitest';
import type { BreakerState, HttpMethod } from '../../subgraphs/shared/upstream/index.ts';
import {
  startDownUpstream,
  startFailingUpstream,
  startHealthyUpstream,
  startSlowUpstream,
} from '../support/upstream-servers.ts';
import { expectContractError, fakeClock, upstreamFixtures } from './fixtures.ts';

const fixtures = upstreamFixtures();
const call = (method: HttpMethod = 'GET', path = '/') => ({ method, path, principal: null, requestId: 'req_1' }) as const;

describe('upstream client: timeouts', () => {
  it('times out waiting for headers', async () => {
    const server = await fixtures.track(startSlowUpstream({ headersDelayMs: 1_000 }));
    const client = fixtures.client({ baseUrl: server.url, timeoutMs: 100, retries: 0 });
    const started = performance.now();
    await expectContractError(client.request(call()), 'SERVICE_UNAVAILABLE', "Module upstream 'test-module' timed out after 100 ms");
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('times out a body that arrives too late (the deadline covers headers and body)', async () => {
    const server = await fixtures.track(startSlowUpstream({ bodyDelayMs: 1_000 }));
    const client = fixtures.client({ baseUrl: server.url, timeoutMs: 150, retries: 0 });
    await expectContractError(client.request(call()), 'SERVICE_UNAVAILABLE', "Module upstream 'test-module' timed out after 150 ms");
  });

  it('retries a timed-out GET but not a timed-out POST', async () => {
    const server = await fixtures.track(startSlowUpstream({ headersDelayMs: 1_000 }));
    const client = fixtures.client({ baseUrl: server.url, timeoutMs: 80, retries: 1 });
    await expectContractError(client.request(call('GET')), 'SERVICE_UNAVAILABLE', /timed out/);
    expect(server.hits()).toBe(2);
    await expectContractError(client.request(call('POST')), 'SERVICE_UNAVAILABLE', /timed out/);
    expect(server.hits()).toBe(3);
  });
});

describe('upstream client: retries', () => {
  it('retries a GET through two 503s to success', async () => {
    const server = await fixtures.track(startFailingUpstream({ failures: 2, status: 503 }));
    const client = fixtures.client({ baseUrl: server.url, retries: 2 });
    const response = await client.request(call('GET'));
    expect(response.status).toBe(200);
    expect(response.attempts).toBe(3);
    expect(server.hits()).toBe(3);
  });

  it.each<HttpMethod>(['PUT', 'DELETE', 'HEAD', 'OPTIONS'])('retries idempotent %s on 502', async (method) => {
    const server = await fixtures.track(startFailingUpstream({ failures: 1, status: 502 }));
    const client = fixtures.client({ baseUrl: server.url, retries: 2 });
    expect((await client.request(call(method))).status).toBe(200);
    expect(server.hits()).toBe(2);
  });

  it.each<HttpMethod>(['POST', 'PATCH'])('never retries %s: one hit, the 503 returned', async (method) => {
    const server = await fixtures.track(startFailingUpstream({ failures: 2, status: 503 }));
    const client = fixtures.client({ baseUrl: server.url, retries: 2 });
    const response = await client.request({ ...call(method), body: { n: 1 } });
    expect(response.status).toBe(503);
    expect(response.attempts).toBe(1);
    expect(server.hits()).toBe(1);
  });

  it('does not retry a 500, and returns the last 503 once retries run out', async () => {
    const failing500 = await fixtures.track(startFailingUpstream({ failures: 1, status: 500 }));
    const once = fixtures.client({ baseUrl: failing500.url, retries: 2 });
    expect((await once.request(call())).status).toBe(500);
    expect(failing500.hits()).toBe(1);

    const failing503 = await fixtures.track(startFailingUpstream({ failures: 10, status: 503 }));
    const exhausted = fixtures.client({ baseUrl: failing503.url, retries: 2 });
    const response = await exhausted.request(call());
    expect(response).toMatchObject({ status: 503, attempts: 3, body: { error: 'upstream failing' } });
    expect(failing503.hits()).toBe(3);
  });

  it('retries a refused connection for GET, then reports the upstream unreachable', async () => {
    const down = await fixtures.track(startDownUpstream());
    const client = fixtures.client({ baseUrl: down.url, retries: 2, retryBackoffMs: 20 });
    const started = performance.now();
    await expectContractError(client.request(call()), 'SERVICE_UNAVAILABLE', "Module upstream 'test-module' is unreachable");
    // Two backoffs of at least 10 ms and 20 ms (equal jitter keeps half of each); timers may fire a hair early.
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });
});

describe('upstream client: circuit breaker', () => {
  it('opens after N failures, then fails fast without touching the network', async () => {
    const server = await fixtures.track(startFailingUpstream({ failures: 100, status: 503 }));
    const changes: BreakerState[] = [];
    const client = fixtures.client({
      baseUrl: server.url,
      retries: 0,
      breaker: { failureThreshold: 3, coolDownMs: 60_000, onStateChange: (state) => changes.push(state) },
    });
    for (let i = 0; i < 3; i++) expect((await client.request(call())).status).toBe(503);
    expect(client.state()).toBe('open');
    expect(changes).toEqual(['open']);

    for (let i = 0; i < 5; i++) {
      await expectContractError(client.request(call()), 'SERVICE_UNAVAILABLE', "Module upstream 'test-module' is unavailable (circuit open)");
    }
    expect(server.hits()).toBe(3);
  });

  it('counts unreachable upstreams as failures', async () => {
    const down = await fixtures.track(startDownUpstream());
    const client = fixtures.client({ baseUrl: down.url, retries: 0, breaker: { failureThreshold: 2 } });
    await expectContractError(client.request(call('POST')), 'SERVICE_UNAVAILABLE', /is unreachable/);
    await expectContractError(client.request(call('POST')), 'SERVICE_UNAVAILABLE', /is unreachable/);
    await expectContractError(client.request(call('POST')), 'SERVICE_UNAVAILABLE', /circuit open/);
  });

  it('does not count 4xx answers as failures', async () => {
    const server = await fixtures.track(startHealthyUpstream());
    const client = fixtures.client({ baseUrl: server.url, breaker: { failureThreshold: 1 } });
    for (const status of [400, 401, 404, 429]) {
      expect((await client.request(call('GET', `/status/${status}`))).status).toBe(status);
    }
    expect(client.state()).toBe('closed');
    expect(server.hits()).toBe(4);
  });

  it('stops retrying when the circuit opens mid-call and returns what the upstream last said', async () => {
    const server = await fixtures.track(startFailingUpstream({ failures: 100, status: 503 }));
    const client = fixtures.client({ baseUrl: server.url, retries: 5, breaker: { failureThreshold: 2 } });
    const response = await client.request(call());
    expect(response).toMatchObject({ status: 503, attempts: 2 });
    expect(server.hits()).toBe(2);
    expect(client.state()).toBe('open');
  });

  it('half-open after the cool-down: a failed trial re-opens, a successful one closes', async () => {
    // Fails 4 times: 3 to open the circuit, then the first trial.
    const server = await fixtures.track(startFailingUpstream({ failures: 4, status: 503 }));
    const clock = fakeClock();
    const changes: BreakerState[] = [];
    const client = fixtures.client({
      baseUrl: server.url,
      retries: 0,
      breaker: { failureThreshold: 3, coolDownMs: 1_000, now: clock.now, onStateChange: (state) => changes.push(state) },
    });
    for (let i = 0; i < 3; i++) await client.request(call());
    expect(client.state()).toBe('open');

    clock.advance(1_000);
    expect(client.state()).toBe('half-open');
    expect((await client.request(call())).status).toBe(503);
    expect(client.state()).toBe('open');
    await expectContractError(client.request(call()), 'SERVICE_UNAVAILABLE', /circuit open/);
    expect(server.hits()).toBe(4);

    clock.advance(1_000);
    expect((await client.request(call())).status).toBe(200);
    expect(client.state()).toBe('closed');
    expect((await client.request(call())).status).toBe(200);
    expect(server.hits()).toBe(6);
    expect(changes).toEqual(['open', 'half-open', 'open', 'half-open', 'closed']);
  });

  it('half-open lets exactly one trial through while others fail fast', async () => {
    const server = await fixtures.track(startSlowUpstream({ headersDelayMs: 300 }));
    const clock = fakeClock();
    const client = fixtures.client({
      baseUrl: server.url,
      timeoutMs: 100,
      retries: 0,
      breaker: { failureThreshold: 1, coolDownMs: 1_000, now: clock.now },
    });
    await expectContractError(client.request(call()), 'SERVICE_UNAVAILABLE', /timed out/);
    expect(client.state()).toBe('open');

    clock.advance(1_000);
    const trial = client.request(call());
    const others = await Promise.allSettled([client.request(call()), client.request(call())]);
    expect(others.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    await expectContractError(trial, 'SERVICE_UNAVAILABLE', /timed out/);
    expect(client.state()).toBe('open');
    expect(server.hits()).toBe(2);
  });
});

describe('upstream client: probe', () => {
  it('reports a healthy upstream up with its latency', async () => {
    const server = await fixtures.track(startHealthyUpstream());
    const client = fixtures.client({ baseUrl: server.url });
    const probe = await client.probe();
    expect(probe.up).toBe(true);
    expect(probe.latencyMs).toBeGreaterThanOrEqual(0);
    expect(probe).not.toHaveProperty('error');
  });

  it('reports down: refused connection, error status, timeout', async () => {
    const down = await fixtures.track(startDownUpstream());
    expect(await fixtures.client({ baseUrl: down.url }).probe()).toMatchObject({ up: false, error: 'ECONNREFUSED' });

    const healthy = await fixtures.track(startHealthyUpstream());
    expect(await fixtures.client({ baseUrl: healthy.url }).probe('/status/500')).toMatchObject({ up: false, error: 'HTTP 500' });

    const slow = await fixtures.track(startSlowUpstream({ headersDelayMs: 1_000 }));
    expect(await fixtures.client({ baseUrl: slow.url, probeTimeoutMs: 50 }).probe()).toMatchObject({
      up: false,
      error: 'timed out after 50 ms',
    });
  });

  it('neither consults nor moves the breaker, and never throws', async () => {
    const down = await fixtures.track(startDownUpstream());
    const client = fixtures.client({ baseUrl: down.url, breaker: { failureThreshold: 1 } });
    await client.probe();
    await client.probe();
    expect(client.state()).toBe('closed');
    expect((await client.probe('//evil.example/')).up).toBe(false);
  });
});
