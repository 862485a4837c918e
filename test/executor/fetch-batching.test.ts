// Issue 17: a plan's fetches to one subgraph at one level go as one request.
// Real subgraph servers (the benchmark's four), our gateway in front, and a bare
// @apollo/gateway over the same supergraph for the answer it must equal.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCH_QUERY, problemsIn } from '../../bench/federation/query.ts';
import { composeBenchSupergraph } from '../../bench/subgraphs/compose.ts';
import { BENCH_SUBGRAPH_NAMES, type BenchSubgraphName } from '../../bench/subgraphs/definitions.ts';
import { startBenchSubgraph, type RunningBenchSubgraph } from '../../bench/subgraphs/server.ts';
import { accessTokens } from '../../core/identity/access-tokens.ts';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { startTestGateway, testConfig } from '../support/gateway-harness.ts';

const USER = '00000000-0000-4000-8000-0000000000b1';

describe('batched subgraph fetches (SUBGRAPH_FETCH_BATCHING)', () => {
  const folder = mkdtempSync(join(tmpdir(), 'fetch-batching-'));
  const subgraphs: RunningBenchSubgraph[] = [];
  let batched: RunningGateway;
  let unbatched: RunningGateway;
  let bare: ApolloServer;
  let bareUrl: string;
  let token: string;
  const requests = () => subgraphs.reduce((sum, subgraph) => sum + subgraph.requests(), 0);

  beforeAll(async () => {
    const urls = {} as Record<BenchSubgraphName, string>;
    for (const name of BENCH_SUBGRAPH_NAMES) {
      const subgraph = await startBenchSubgraph(name, 0);
      subgraphs.push(subgraph);
      urls[name] = subgraph.url;
    }
    const path = join(folder, 'supergraph.graphql');
    const sdl = composeBenchSupergraph(urls);
    writeFileSync(path, sdl);
    // Dedup off in both, so every fetch is counted and none is shared between requests.
    const env = { SUPERGRAPH_PATH: path, SUBGRAPH_DEDUP_EXCLUDE: BENCH_SUBGRAPH_NAMES.join(',') };
    batched = await startTestGateway(env);
    unbatched = await startTestGateway({ ...env, SUBGRAPH_FETCH_BATCHING: 'false' });
    bare = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: sdl }) });
    bareUrl = (await startStandaloneServer(bare, { listen: { port: 0, host: '127.0.0.1' } })).url;
    token = (await (await accessTokens(testConfig(env).jwt)).issue({ userId: USER, tier: 'enterprise', scopes: [] })).token;
  }, 60_000);

  afterAll(async () => {
    await batched?.close();
    await unbatched?.close();
    await bare?.stop();
    await Promise.all(subgraphs.map((subgraph) => subgraph.close()));
    rmSync(folder, { recursive: true, force: true });
  });

  const ask = async (url: string, query: string) => {
    const before = requests();
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) });
    const text = await response.text();
    return { status: response.status, text, fetches: requests() - before };
  };

  it('answers the benchmark query exactly as a bare Apollo Gateway does, in 7 subgraph requests instead of 16', async () => {
    const reference = await ask(bareUrl, BENCH_QUERY);
    expect(problemsIn(reference.status, reference.text)).toEqual([]);
    expect(reference.fetches).toBe(16);

    const ours = await ask(`${batched.url}/graphql`, BENCH_QUERY);
    expect(problemsIn(ours.status, ours.text)).toEqual([]);
    expect(JSON.stringify(JSON.parse(ours.text))).toBe(JSON.stringify(JSON.parse(reference.text)));
    expect(ours.fetches).toBe(7);

    const off = await ask(`${unbatched.url}/graphql`, BENCH_QUERY);
    expect(JSON.stringify(JSON.parse(off.text))).toBe(JSON.stringify(JSON.parse(reference.text)));
    expect(off.fetches).toBe(16);
  });

  it('keeps concurrent requests apart: each gets its own answer, none shares another caller\'s batch', async () => {
    const queries = ['{ topProducts { upc name reviews { body author { name } } inStock } }', '{ users { username reviews { product { name shippingEstimate } } } }'];
    const expected = await Promise.all(queries.map(async (query) => JSON.parse((await ask(bareUrl, query)).text)));
    const answers = await Promise.all(Array.from({ length: 10 }, (_, index) => ask(`${batched.url}/graphql`, queries[index % 2]!)));
    answers.forEach((answer, index) => expect(JSON.parse(answer.text)).toEqual(expected[index % 2]));
  });
});
