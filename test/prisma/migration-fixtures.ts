// Migration folders for tests: the committed ones, copied to a temporary
// folder with extra migrations appended, so a test can break things freely.
import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultMigrationsDir } from '../../prisma/paths.ts';

export interface CommittedMigration {
  readonly name: string;
  /** sha256 of migration.sql, hex: what `_prisma_migrations.checksum` must hold. */
  readonly checksum: string;
}

export async function committedMigrations(): Promise<CommittedMigration[]> {
  const entries = await readdir(defaultMigrationsDir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return Promise.all(
    names.map(async (name) => ({
      name,
      checksum: createHash('sha256')
        .update(await readFile(join(defaultMigrationsDir, name, 'migration.sql')))
        .digest('hex'),
    })),
  );
}

/** A copy of prisma/migrations plus `extra` (folder name -> SQL) in a folder from `makeDir`; returns its path. */
export async function migrationsDirWith(
  makeDir: (prefix: string) => Promise<string>,
  extra: Record<string, string> = {},
): Promise<string> {
  const dir = await makeDir('migrations-');
  await cp(defaultMigrationsDir, dir, { recursive: true });
  for (const [name, sql] of Object.entries(extra)) {
    await mkdir(join(dir, name));
    await writeFile(join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

/** Sorts after any real migration (timestamps of the year 2999). */
export const lateMigration = (name: string) => `29990101000000_${name}`;
