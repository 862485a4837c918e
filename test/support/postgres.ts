// Fresh databases on the Postgres server of DATABASE_URL, one per suite, so
// suites that need real Postgres stay isolated and can run in parallel.
import { randomUUID } from 'node:crypto';
import pg from 'pg';

const serverUrl = process.env['DATABASE_URL'];

/** Whether real-Postgres suites can run: `describe.runIf(postgresAvailable)`. */
export const postgresAvailable = serverUrl !== undefined && serverUrl !== '';

export interface TestDatabase {
  /** Connection string of the new, empty database. */
  readonly url: string;
  /** Drops the database, closing any connection still open to it. */
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (!postgresAvailable || serverUrl === undefined) {
    throw new Error('createTestDatabase needs DATABASE_URL; guard the suite with describe.runIf(postgresAvailable)');
  }
  const name = `test_${process.pid}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  await onServer(serverUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let dropped: Promise<void> | undefined;
  return {
    url: url.toString(),
    drop() {
      // FORCE (Postgres 13+) ends sessions a test left open, e.g. a pool not yet closed.
      dropped ??= onServer(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      return dropped;
    },
  };
}

async function onServer(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
