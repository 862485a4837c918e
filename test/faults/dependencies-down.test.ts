// Issue 14, items 2, 4 and 5: a dependency that is down answers 503
// SERVICE_UNAVAILABLE with Retry-After and the dependency named (never its
// address), within the configured deadlines; only the unexpected is a 500.
// Postgres here is a cluster of this test's own: it is stopped and frozen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { ADMIN, startTestGateway } from '../support/gateway-harness.ts';
import { createApiKey, login } from '../support/account-flows.ts';
import { ownPostgresAvailable, startOwnPostgres, type OwnPostgres } from '../support/own-postgres.ts';
import { freePort } from '../support/processes.ts';

const STATEMENT_TIMEOUT_MS = 1_000;
const ACQUIRE_TIMEOUT_MS = 1_000;

describe.runIf(ownPostgresAvailable)('dependencies that are down', () => {
  let postgres: OwnPostgres;
  let gateway: RunningGateway;
  let token: string;
  let apiKey: string;
  let closedPort: number;

  beforeAll(async () => {
    postgres = await startOwnPostgres();
    closedPort = await freePort();
    gateway = await startTestGateway({
      DATABASE_URL: postgres.url,
      DATABASE_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
      DATABASE_ACQUIRE_TIMEOUT_MS: String(ACQUIRE_TIMEOUT_MS),
      // Nothing listens there: the code-sandbox subgraph process is down.
      SUBGRAPH_URLS: `code-sandbox=http://127.0.0.1:${closedPort}/graphql`,
      API_KEY_CACHE_TTL_MS: '0',
    });
    ({ token } = await login(gateway.url, ADMIN.email, ADMIN.password));
    ({ apiKey } = await createApiKey(gateway.url, token, { name: 'down-tests' }));
  }, 90_000);
  afterAll(async () => {
    await postgres?.thaw();
    await gateway?.close();
    await postgres?.destroy();
  }, 60_000);

  const graphqlCall = (query: string, headers: Record<string, string> = { authorization: `Bearer ${token}` }) =>
    fetch(`${gateway.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });

  async function expectUnavailable(response: Response, dependency: string): Promise<void> {
    const text = await response.text();
    expect(response.status, text).toBe(503);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(text).not.toMatch(/127\.0\.0\.1|:\d{4,5}\b/);
    const body = JSON.parse(text);
    if ('success' in body) {
      expect(body).toMatchObject({ success: false, error_code: 'SERVICE_UNAVAILABLE' });
      expect(body.error).toContain(dependency);
    } else {
      expect(body.errors[0].extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', dependency });
    }
  }

  describe('a subgraph process that is down', () => {
    it('answers 503 naming it on /graphql, also when a non-null root field depends on it', async () => {
      await expectUnavailable(await graphqlCall('{ codeSandbox { request(path: "/x") { status } } }'), 'code-sandbox');
    });

    it('answers a 503 envelope on the REST route over it', async () => {
      const response = await fetch(`${gateway.url}/modules/code-sandbox/anything`, { headers: { authorization: `Bearer ${token}` } });
      await expectUnavailable(response, 'code-sandbox');
    });
  });

  describe('Postgres stopped', () => {
    beforeAll(async () => postgres.stop(), 30_000);
    afterAll(async () => postgres.start(), 30_000);

    it('a subgraph call answers 503 naming the database', async () => {
      await expectUnavailable(await graphqlCall('{ me { id email } }'), 'database');
    });

    it('an API key not yet cached at the edge answers 503, not 500', async () => {
      await expectUnavailable(await graphqlCall('{ __typename }', { 'x-api-key': apiKey }), 'database');
    });

    it('the REST bridge answers a 503 envelope', async () => {
      const response = await fetch(`${gateway.url}/api-keys/list`, { headers: { authorization: `Bearer ${token}` } });
      await expectUnavailable(response, 'database');
    });
  });

  describe('Postgres frozen (SIGSTOP on the postmaster and every backend)', () => {
    beforeAll(async () => {
      // Connections in the pool are warm, so requests reach a frozen backend rather than a refused connect.
      expect((await graphqlCall('{ me { id } }')).status).toBe(200);
      await postgres.freeze();
    }, 30_000);
    afterAll(async () => postgres.thaw());

    it('answers 503 within the statement deadline instead of hanging', async () => {
      const started = performance.now();
      const response = await graphqlCall('{ me { id email } }');
      const elapsed = performance.now() - started;
      await expectUnavailable(response, 'database');
      expect(elapsed).toBeLessThan(STATEMENT_TIMEOUT_MS + ACQUIRE_TIMEOUT_MS + 1_500);
    });

    it('more callers than the pool holds all answer 503 within the acquire and statement deadlines', async () => {
      const started = performance.now();
      const responses = await Promise.all(Array.from({ length: 16 }, () => graphqlCall('{ me { id } }')));
      const elapsed = performance.now() - started;
      for (const response of responses) await expectUnavailable(response, 'database');
      expect(elapsed).toBeLessThan(2 * (STATEMENT_TIMEOUT_MS + 500) + ACQUIRE_TIMEOUT_MS + 2_000);
    });
  });

  it('recovers once Postgres answers again', async () => {
    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 200; attempt += 1) {
      status = (await graphqlCall('{ me { id } }')).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(status).toBe(200);
  }, 30_000);
});
