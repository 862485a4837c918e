// Driver adapter for a Postgres server: @prisma/adapter-pg with the fixes the
// schema engine needs (PRISMA_OFFLINE.md pitfalls 1 to 3). The patches reach
// into private adapter methods; re-check them on every @prisma/adapter-pg upgrade.
import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  SqlQueryable,
  Transaction,
} from '@prisma/driver-adapter-utils';
import type pg from 'pg';

export interface PostgresAdapterOptions {
  /**
   * How long to wait for a connection, new or from the pool (pg uses it for both),
   * before failing, so a request on an unreachable or exhausted database fails
   * instead of hanging. DATABASE_ACQUIRE_TIMEOUT_MS.
   * @default 3000
   */
  connectionTimeoutMillis?: number;
  /**
   * The longest a statement may run: the server cancels it (statement_timeout)
   * and the client stops waiting a little later (query_timeout), which is what
   * ends the wait on a server that no longer answers at all (frozen, a network
   * partition). 0 turns both off, for the migration runner's long statements.
   * DATABASE_STATEMENT_TIMEOUT_MS.
   * @default 5000
   */
  statementTimeoutMillis?: number;
}

/** The client's deadline is the server's plus this, so a live server reports its own cancellation first. */
const CLIENT_DEADLINE_GRACE_MS = 500;

/** Postgres OID of the one-byte catalog type `"char"` (pg_constraint.contype and friends). */
const CHAR_OID = 18;
const TEXT_OID = 25;

/** What we patch on adapter-pg's queryables; both methods are private there. */
interface PgQueryableInternals {
  performIO(query: SqlQuery): Promise<pg.QueryResult>;
  onError(error: unknown): never;
}

export function postgresAdapterFactory(
  url: string,
  options: PostgresAdapterOptions = {},
): SqlMigrationAwareDriverAdapterFactory {
  const connectionTimeoutMillis = options.connectionTimeoutMillis ?? 3000;
  const statementTimeoutMillis = options.statementTimeoutMillis ?? 5000;
  const deadlines =
    statementTimeoutMillis > 0
      ? { statement_timeout: statementTimeoutMillis, query_timeout: statementTimeoutMillis + CLIENT_DEADLINE_GRACE_MS }
      : {};
  const connect = async (connectionString: string): Promise<SqlDriverAdapter> =>
    patchAdapter(await new PrismaPg({ connectionString, connectionTimeoutMillis, ...deadlines }).connect());

  return {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    connect: () => connect(url),
    // adapter-pg spreads `database` into a config whose connectionString still
    // names the main database, and pg lets the string win: its "shadow" database
    // was the main one. We create the database and connect to it by its own URL.
    async connectToShadowDb() {
      const main = await connect(url);
      const name = `prisma_migrate_shadow_db_${randomUUID()}`;
      const dropShadow = async () => {
        try {
          await main.executeScript(`DROP DATABASE IF EXISTS "${name}"`);
        } finally {
          await main.dispose();
        }
      };
      let shadow: SqlDriverAdapter;
      try {
        await main.executeScript(`CREATE DATABASE "${name}"`);
        shadow = await connect(withDatabase(url, name));
      } catch (error) {
        await dropShadow().catch(() => {});
        throw error;
      }
      const disposeShadow = shadow.dispose.bind(shadow);
      shadow.dispose = async () => {
        try {
          await disposeShadow();
        } finally {
          await dropShadow();
        }
      };
      return shadow;
    },
  };
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

function patchAdapter(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const internals = mapCharColumnsToText(adapter);
  // adapter-pg splits scripts on ';', which cuts `$$` function bodies apart and
  // runs a migration statement by statement, leaving half of it behind when a
  // later statement fails. Sent whole and without parameters, pg uses the
  // simple query protocol: every statement runs in one implicit transaction.
  adapter.executeScript = async (script: string) => {
    await internals.performIO({ sql: script, args: [], argTypes: [] });
  };
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (...args: Parameters<SqlDriverAdapter['startTransaction']>): Promise<Transaction> => {
    const transaction = await startTransaction(...args);
    mapCharColumnsToText(transaction);
    return transaction;
  };
  return adapter;
}

// adapter-pg has no column type for `"char"` and throws "Unsupported column type
// char" when the engine reads foreign keys from the catalog. Its values are
// one-character strings, so reporting the column as text loses nothing.
function mapCharColumnsToText(queryable: SqlQueryable): PgQueryableInternals {
  const internals = queryable as unknown as PgQueryableInternals;
  const performIO = internals.performIO.bind(queryable);
  internals.performIO = async (query) => {
    const result = await performIO(query);
    // A multi-statement script yields one result per statement.
    for (const one of Array.isArray(result) ? (result as pg.QueryResult[]) : [result]) {
      for (const field of one.fields ?? []) {
        if (field.dataTypeID === CHAR_OID) field.dataTypeID = TEXT_OID;
      }
    }
    return result;
  };
  return internals;
}
