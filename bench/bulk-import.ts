/**
 * Bulk import throughput: `npm run bench:bulk`. Starts a gateway in this process
 * (PGlite in memory, then Postgres when DATABASE_URL is set, in a database the
 * bench creates and drops) with the fundraising subgraph replaced by the test
 * stand-in over HTTP, uploads a CSV of BENCH_BULK_ROWS rows and times the intake
 * (read and validate every row, store them) and the run (every row executed
 * through the gateway's executor, in batches) separately. Stops what it starts.
 */
import { createLogger } from '../core/logger.ts';
import { startGateway } from '../gateway/app/start-gateway.ts';
import { graphql } from '../test/support/graphql-client.ts';
import { startBulkTargetSubgraph } from '../test/support/bulk-target-subgraph.ts';
import { ADMIN, testConfig } from '../test/support/gateway-harness.ts';
import { createTestDatabase, postgresAvailable } from '../test/support/postgres.ts';
import { acceptedImport, bulkEnv, untilStatus } from '../test/support/bulk-client.ts';
import { csvOf, IMPORT_MAPPING } from '../test/support/bulk-rows.ts';

const ROWS = Number(process.env['BENCH_BULK_ROWS'] ?? 100_000);
const DATABASES = (process.env['BENCH_BULK_DATABASES'] ?? 'pglite,postgres').split(',');
const BATCH = process.env['BULK_BATCH_SIZE'] ?? '512';

async function run(database: 'pglite' | 'postgres'): Promise<void> {
  const db = database === 'postgres' ? await createTestDatabase() : null;
  const target = await startBulkTargetSubgraph();
  const config = testConfig(bulkEnv(target.url, { BULK_BATCH_SIZE: BATCH, RATE_LIMITS: 'admin=100000000/100000000', ...(db ? { DATABASE_URL: db.url } : {}) }));
  const gateway = await startGateway(config, createLogger('warn'));
  try {
    const signedIn = await graphql<{ login: { accessToken: string } }>(gateway.url, 'mutation($input: LoginInput!) { login(input: $input) { accessToken } }', { input: ADMIN });
    const admin = { token: signedIn.data!.login.accessToken };
    const csv = csvOf(ROWS);
    const started = performance.now();
    const created = await acceptedImport(gateway.url, admin.token, { mutation: 'fundraising.request', mapping: IMPORT_MAPPING, file: csv, filename: 'bench.csv' });
    const received = performance.now();
    const done = await untilStatus(gateway.url, admin.token, created.operation_id, ['completed', 'failed'], 900_000);
    const finished = performance.now();
    const intakeS = (received - started) / 1000;
    const runS = (finished - received) / 1000;
    const ran = done.succeeded_rows + done.failed_rows;
    console.log(
      `${database.padEnd(8)} rows ${ROWS}  intake ${intakeS.toFixed(1)} s (${Math.round(ROWS / intakeS)} rows/s)  run ${runS.toFixed(1)} s (${Math.round(ran / runS)} rows/s, ${target.fetches} subgraph fetches, batch ${BATCH})  total ${Math.round(ROWS / (intakeS + runS))} rows/s  status ${done.status}`,
    );
  } finally {
    await gateway.close();
    await target.close();
    await db?.drop();
  }
}

for (const database of DATABASES) {
  if (database === 'postgres' && !postgresAvailable) {
    console.log('postgres: skipped (DATABASE_URL is not set)');
    continue;
  }
  await run(database as 'pglite' | 'postgres');
}
