import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffMigrationsToSchema } from '../../prisma/migration-diff.ts';
import { postgresAdapterFactory } from '../../prisma/postgres-adapter.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.ts';

const noArgs = { args: [], argTypes: [] };

describe.runIf(postgresAvailable)('the Postgres adapter the schema engine uses', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.drop());

  it('connects the shadow database to a database of its own, and drops it afterwards', async () => {
    const factory = postgresAdapterFactory(database.url);
    const shadow = await factory.connectToShadowDb();
    const { rows } = await shadow.queryRaw({ sql: 'SELECT current_database()', ...noArgs });
    const shadowName = String(rows[0]?.[0]);
    expect(shadowName).toMatch(/^prisma_migrate_shadow_db_/);
    expect(shadowName).not.toBe(new URL(database.url).pathname.slice(1));
    await shadow.dispose();

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const left = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [shadowName]);
      expect(left.rowCount).toBe(0);
    } finally {
      await client.end();
    }
  });

  it('reads the catalog type "char" (OID 18) as text', async () => {
    const adapter = await postgresAdapterFactory(database.url).connect();
    try {
      const result = await adapter.queryRaw({ sql: `SELECT 'f'::"char" AS kind`, ...noArgs });
      expect(result.rows).toEqual([['f']]);
    } finally {
      await adapter.dispose();
    }
  });

  it('lets the engine diff against a Postgres shadow database, agreeing with PGlite: no changes', async () => {
    expect(await diffMigrationsToSchema({ adapterFactory: postgresAdapterFactory(database.url) })).toBeNull();
  });
});
