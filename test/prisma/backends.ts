// The two database engines the migration runner must serve, behind one shape,
// so the same suite runs against each: PGlite in memory, and real Postgres.
import { PGlite } from '@electric-sql/pglite';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { pgliteAdapterFactory } from '../../prisma/pglite-adapter.ts';
import { postgresAdapterFactory } from '../../prisma/postgres-adapter.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';

export interface MigrationBackend {
  readonly adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /** Runs SQL outside Prisma, to inspect what the migrations did. */
  query<Row extends Record<string, unknown>>(sql: string): Promise<Row[]>;
  close(): Promise<void>;
}

export interface BackendKind {
  readonly name: string;
  readonly available: boolean;
  open(): Promise<MigrationBackend>;
}

export const pgliteInMemory: BackendKind = {
  name: 'PGlite in memory',
  available: true,
  async open() {
    const client = await PGlite.create();
    return {
      adapterFactory: pgliteAdapterFactory(client),
      query: async <Row,>(sql: string) => (await client.query<Row>(sql)).rows,
      close: () => client.close(),
    };
  },
};

export const realPostgres: BackendKind = {
  name: 'Postgres',
  available: postgresAvailable,
  async open() {
    const database = await createTestDatabase();
    const pool = new pg.Pool({ connectionString: database.url });
    // pool.end() resolves before its sockets have closed, and drop() ends the sessions
    // still open WITH (FORCE): the closing client then hears 57P01, which without a
    // listener is an uncaught exception in the test process.
    pool.on('error', () => undefined);
    return {
      adapterFactory: postgresAdapterFactory(database.url),
      query: async <Row extends pg.QueryResultRow,>(sql: string) => (await pool.query<Row>(sql)).rows,
      async close() {
        await pool.end();
        await database.drop();
      },
    };
  },
};

export const backends: readonly BackendKind[] = [pgliteInMemory, realPostgres];
