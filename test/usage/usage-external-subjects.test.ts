// Tokens name their holder in `sub`, and a subject need not be one of our UUIDs:
// behind an external supergraph (SUPERGRAPH_PATH) the edge admits any validly
// signed token without looking its account up, and identity providers name
// users as they like (Auth0 `auth0|…`, Okta `00u…`, Google's digits, Keycloak's
// federated `f:…:name`). Each such request must still leave its usage record,
// under load, with nothing refused and nothing in the log.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeBenchSupergraph } from '../../bench/subgraphs/compose.ts';
import { BENCH_SUBGRAPH_NAMES, type BenchSubgraphName } from '../../bench/subgraphs/definitions.ts';
import { startBenchSubgraph, type RunningBenchSubgraph } from '../../bench/subgraphs/server.ts';
import { accessTokens } from '../../core/identity/access-tokens.ts';
import { createLogger } from '../../core/logger.ts';
import { startGateway } from '../../gateway/app/start-gateway.ts';
import { openDatabase, type DatabaseConfig } from '../../prisma/database.ts';
import { boundedLoad } from '../support/bounded-load.ts';
import { testConfig } from '../support/gateway-harness.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';

const SUBJECTS = ['auth0|5f7c8ec7c33c6c004bbafe82', '00u1ab2c3DEF4gh5i6j7', '110169484474386276334', 'f:7c1d3a0e:alice@example.com'];
const REQUESTS = 1_200;

const backends = [
  {
    name: 'PGlite',
    available: true,
    async open(folder: string) {
      const dataDir = join(folder, 'pglite');
      const database: DatabaseConfig = { kind: 'pglite', dataDir };
      return { env: { PGLITE_DATA_DIR: dataDir }, database, drop: async () => {} };
    },
  },
  {
    name: 'Postgres',
    available: postgresAvailable,
    async open() {
      const test = await createTestDatabase();
      const database: DatabaseConfig = { kind: 'postgres', url: test.url };
      return { env: { DATABASE_URL: test.url }, database, drop: () => test.drop() };
    },
  },
];

describe('usage of callers whose token subject is not a UUID (external supergraph)', () => {
  const folder = mkdtempSync(join(tmpdir(), 'usage-subjects-'));
  const subgraphs: RunningBenchSubgraph[] = [];
  let supergraphPath: string;

  beforeAll(async () => {
    const urls = {} as Record<BenchSubgraphName, string>;
    for (const name of BENCH_SUBGRAPH_NAMES) {
      const subgraph = await startBenchSubgraph(name, 0);
      subgraphs.push(subgraph);
      urls[name] = subgraph.url;
    }
    supergraphPath = join(folder, 'supergraph.graphql');
    writeFileSync(supergraphPath, composeBenchSupergraph(urls));
  });
  afterAll(async () => {
    await Promise.all(subgraphs.map((subgraph) => subgraph.close()));
    rmSync(folder, { recursive: true, force: true });
  });

  for (const backend of backends) {
    it.runIf(backend.available)(`records every answered request of each subject, with no warning, on ${backend.name}`, async () => {
      const { env: storageEnv, database, drop } = await backend.open(mkdtempSync(join(folder, 'db-')));
      const env = {
        ...storageEnv,
        SUPERGRAPH_PATH: supergraphPath,
        RATE_LIMITS: 'pro=100000/1000000',
        LOG_LEVEL: 'warn',
        // Small batches written often: many batches, each mixing the subjects.
        USAGE_BATCH_SIZE: '25',
        USAGE_FLUSH_INTERVAL_MS: '20',
      };
      const config = testConfig(env);
      const warnings: string[] = [];
      const log = new Writable({
        write(chunk, _encoding, done) {
          warnings.push(...String(chunk).split('\n').filter((line) => line !== '' && (JSON.parse(line) as { level: number }).level >= 40));
          done();
        },
      });
      const gateway = await startGateway(config, createLogger(config.logLevel, log));
      try {
        // Minted as an identity provider sharing the gateway's key would: HS256 with JWT_SECRET, its own subjects.
        const signer = await accessTokens(config.jwt);
        const tokens = await Promise.all(SUBJECTS.map(async (userId) => (await signer.issue({ userId, tier: 'pro', scopes: [] })).token));

        const subjectOf = (n: number) => n % SUBJECTS.length;
        const load = await boundedLoad({
          url: `${gateway.url}/graphql`,
          requests: REQUESTS,
          concurrency: 12,
          maxMs: 40_000,
          request: (n) => ({
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[subjectOf(n)]}` },
            body: JSON.stringify({ query: 'query TopProducts { topProducts { name } }' }),
          }),
        });
        expect(load.answers).toHaveLength(REQUESTS);
        expect(Object.fromEntries(load.byStatus)).toEqual({ 200: REQUESTS });

        await gateway.usage.flush();
        expect(gateway.usage.buffered()).toBe(0);
        expect(gateway.usage.dropped()).toBe(0);
        expect(warnings).toEqual([]);
      } finally {
        await gateway.close();
      }

      const opened = await openDatabase(database);
      try {
        const rows = await opened.prisma.$queryRaw<Array<{ user_id: string; requests: number }>>`
          SELECT user_id, count(*)::int AS requests FROM usage_records WHERE operation_name = 'TopProducts' GROUP BY user_id`;
        const expected = SUBJECTS.map((userId, index) => ({ user_id: userId, requests: REQUESTS / SUBJECTS.length + (index < REQUESTS % SUBJECTS.length ? 1 : 0) }));
        const byUser = (a: { user_id: string }, b: { user_id: string }) => (a.user_id < b.user_id ? -1 : 1);
        expect(rows.sort(byUser)).toEqual(expected.sort(byUser));
      } finally {
        await opened.close();
        await drop();
      }
      expect(warnings).toEqual([]);
    }, 120_000);
  }
});
