import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeBenchSupergraph } from '../../bench/subgraphs/compose.ts';
import { BENCH_SUBGRAPH_NAMES, type BenchSubgraphName } from '../../bench/subgraphs/definitions.ts';
import { startBenchSubgraph, type RunningBenchSubgraph } from '../../bench/subgraphs/server.ts';
import { accessTokens } from '../../core/identity/access-tokens.ts';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { startTestGateway, testConfig } from '../support/gateway-harness.ts';
import { firstErrorCode, graphql } from '../support/graphql-client.ts';

const QUERY = '{ users { id name reviews { id product { upc name inStock shippingEstimate } } } }';

describe('an external supergraph (SUPERGRAPH_PATH) behind our edge', () => {
  const folder = mkdtempSync(join(tmpdir(), 'external-supergraph-'));
  const subgraphs: RunningBenchSubgraph[] = [];
  let gateway: RunningGateway;
  let token: string;

  beforeAll(async () => {
    const urls = {} as Record<BenchSubgraphName, string>;
    for (const name of BENCH_SUBGRAPH_NAMES) {
      const subgraph = await startBenchSubgraph(name, 0);
      subgraphs.push(subgraph);
      urls[name] = subgraph.url;
    }
    const path = join(folder, 'supergraph.graphql');
    writeFileSync(path, composeBenchSupergraph(urls));
    const env = { SUPERGRAPH_PATH: path, RATE_LIMITS: 'free=1000/10000,pro=5/100' };
    gateway = await startTestGateway(env);
    const tokens = await accessTokens(testConfig(env).jwt);
    token = (await tokens.issue({ userId: 'user-1', tier: 'pro', scopes: [] })).token;
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all(subgraphs.map((subgraph) => subgraph.close()));
    rmSync(folder, { recursive: true, force: true });
  });

  it('serves the foreign subgraphs fields, joined across them (@key, @requires)', async () => {
    const result = await graphql(gateway.url, QUERY, {}, { token });
    expect(result.errors).toBeUndefined();
    expect(result.status).toBe(200);
    const users = result.data?.['users'] as Array<{ name: string; reviews: Array<{ product: Record<string, unknown> }> }>;
    expect(users).toHaveLength(6);
    expect(users[0]?.name).toBe('Uri Goldshtein');
    expect(users[0]?.reviews[0]?.product).toEqual({ upc: '1', name: 'Table', inStock: true, shippingEstimate: 50 });
  });

  it('counts each request against the caller (pro here: 5 a minute), then refuses with 429', async () => {
    const otherSigner = await accessTokens(testConfig({ JWT_SECRET: 'another-secret-0123456789abcdef0123456789' }).jwt);
    const forged = (await otherSigner.issue({ userId: 'user-1', tier: 'pro', scopes: [] })).token;
    const refused = await graphql(gateway.url, QUERY, {}, { token: forged });
    expect(refused.status).toBe(401);
    expect(firstErrorCode(refused)).toBe('AUTHENTICATION_REQUIRED');

    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const result = await graphql(gateway.url, '{ topProducts { name } }', {}, { token });
      statuses.push(result.status);
      expect(result.headers.get('x-ratelimit-limit')).toBe('5');
    }
    expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
    expect(statuses[4]).toBe(429);
  });
});
