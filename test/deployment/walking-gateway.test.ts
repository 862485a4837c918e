import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { startTestGateway } from '../support/gateway-harness.ts';
import { SUBGRAPH_NAMES } from '../../schema/subgraph-names.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';
import { jsonOf } from '../support/graphql-client.ts';
import { walkingFlow } from '../support/walking-flow.ts';

describe('walking gateway, subgraphs in process, embedded PGlite', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startTestGateway();
  });
  afterAll(() => gateway?.close());

  it('registers, logs in, creates a key, uses it, revokes it and is refused at once', async () => {
    await walkingFlow(gateway.url, 'walker@example.test');
  });

  it('answers /health and echoes the request id', async () => {
    const response = await fetch(`${gateway.url}/health`, { headers: { 'x-request-id': 'req_from_client' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('req_from_client');
    const body = await jsonOf(response);
    expect(body).toMatchObject({ success: true, data: { status: 'healthy' }, request_id: 'req_from_client' });
    expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('reports the database and each subgraph in /health/detailed', async () => {
    const response = await fetch(`${gateway.url}/health/detailed`);
    expect(response.status).toBe(200);
    const body = await jsonOf(response);
    expect(body.data.checks.database).toMatchObject({ status: 'up', kind: 'pglite' });
    expect(body.data.checks.redis).toEqual({ status: 'not_configured' });
    expect(body.data.checks.subgraphs).toMatchObject({
      auth: { status: 'up', location: 'in-process' },
      keys: { status: 'up', location: 'in-process' },
      modules: { status: 'up', location: 'in-process' },
      'code-sandbox': { status: 'up', location: 'in-process' },
    });
    expect(Object.keys(body.data.checks.subgraphs)).toHaveLength(SUBGRAPH_NAMES.length);
    // The start-up and memory budgets (bench/README.md) are readable on a running replica.
    expect(body.data.process).toEqual({
      startup_ms: expect.any(Number),
      rss_mib: expect.any(Number),
      heap_used_mib: expect.any(Number),
      young_generation_mib: expect.any(Number),
      uptime_seconds: expect.any(Number),
    });
    expect(body.data.process.startup_ms).toBeGreaterThan(0);
    expect(body.data.process.rss_mib).toBeGreaterThan(body.data.process.heap_used_mib);
    expect(body.data.modules['drone-system']).toMatchObject({ status: 'unconfigured', tier: 'enterprise', requests: 0 });
  });
});

describe.runIf(postgresAvailable)('walking gateway, subgraphs in process, real Postgres', () => {
  let gateway: RunningGateway;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startTestGateway({ DATABASE_URL: database.url });
  });
  afterAll(async () => {
    await gateway?.close();
    await database?.drop();
  });

  it('runs the same flow on Postgres', async () => {
    await walkingFlow(gateway.url, 'walker-pg@example.test');
  });
});
