// Driver adapter for PGlite (embedded Postgres): pglite-prisma-adapter with the
// fixes the schema engine needs. The patch reaches into a private adapter
// method; re-check it on every pglite-prisma-adapter upgrade.
import { PGlite } from '@electric-sql/pglite';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';

/** pglite-prisma-adapter's private error mapper (DatabaseError -> DriverAdapterError). */
interface PgliteAdapterInternals {
  onError(error: unknown): never;
}

export function pgliteAdapterFactory(client: PGlite): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: 'postgres',
    adapterName: 'pglite-prisma-adapter',
    connect: () => connect(client),
    // The stock shadow database is a PGlite that is never closed; ours is closed
    // with the connection. In memory: it only replays migrations for a diff.
    connectToShadowDb: connectToFreshPglite,
  };
}

/** A connection to a new in-memory PGlite that is closed with the connection. */
export async function connectToFreshPglite(): Promise<SqlDriverAdapter> {
  const client = await PGlite.create();
  const adapter = await connect(client);
  const dispose = adapter.dispose.bind(adapter);
  adapter.dispose = async () => {
    try {
      await dispose();
    } finally {
      await client.close();
    }
  };
  return adapter;
}

async function connect(client: PGlite): Promise<SqlDriverAdapter> {
  const adapter = await new PrismaPGlite(client).connect();
  const internals = adapter as unknown as PgliteAdapterInternals;
  // Version 0.7.2 calls `exec()` without awaiting it: a failing migration looks
  // successful and the engine records it as applied. `exec` runs the script with
  // the simple query protocol, in one implicit transaction, so a failure leaves
  // nothing behind.
  adapter.executeScript = async (script: string) => {
    try {
      await client.exec(script);
    } catch (error) {
      internals.onError(error);
    }
  };
  return adapter;
}
