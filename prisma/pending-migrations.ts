// Whether the schema engine has anything to do. Loading the WASM engine costs
// tens of MiB of resident memory for the life of the process (its instance
// cannot be released) and a few hundred ms, so a start against an up-to-date
// database reads `_prisma_migrations` itself and leaves the engine unloaded.
// Anything short of an exact match (a new or edited migration, a failed or
// rolled-back one, rows this folder does not know) goes to the engine, which
// decides as `prisma migrate deploy` does.
import { createHash } from 'node:crypto';
import type { SqlMigrationAwareDriverAdapterFactory, SqlQuery } from '@prisma/driver-adapter-utils';
import type { MigrationList } from './migrations-folder.ts';

const query = (sql: string): SqlQuery => ({ sql, args: [], argTypes: [] });

/** True unless every migration of the folder is recorded as applied, unchanged, and nothing else is recorded. */
export async function migrationsPending(adapterFactory: SqlMigrationAwareDriverAdapterFactory, list: MigrationList): Promise<boolean> {
  // The engine refuses a missing lockfile or another provider; let it say so.
  if (list.lockfile.content === null || !/provider\s*=\s*"postgresql"/.test(list.lockfile.content)) return true;
  const local = new Map<string, string>();
  for (const directory of list.migrationDirectories) {
    if (directory.migrationFile.content.tag !== 'ok') return true;
    local.set(directory.path, createHash('sha256').update(directory.migrationFile.content.value).digest('hex'));
  }
  const adapter = await adapterFactory.connect();
  try {
    const table = await adapter.queryRaw(query(`SELECT to_regclass('_prisma_migrations')::text AS found`));
    if (table.rows[0]?.[0] == null) return true;
    const recorded = await adapter.queryRaw(
      query('SELECT migration_name, checksum FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL'),
    );
    const all = await adapter.queryRaw(query('SELECT count(*)::int FROM _prisma_migrations'));
    if (Number(all.rows[0]?.[0]) !== recorded.rows.length || recorded.rows.length !== local.size) return true;
    return !recorded.rows.every(([name, checksum]) => local.get(String(name)) === checksum);
  } finally {
    await adapter.dispose();
  }
}
