// Computes the SQL that takes a database from the committed migrations to the
// schema datamodel: the script of the next migration, or null when they match.
// The engine replays the migrations on a shadow database: by default an
// in-memory PGlite, which yields the same SQL as a Postgres server would.
import { readFile } from 'node:fs/promises';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { lockfileContent, readMigrationsFolder } from './migrations-folder.ts';
import { defaultMigrationsDir, defaultSchemaPath } from './paths.ts';
import { connectToFreshPglite } from './pglite-adapter.ts';
import { openSchemaEngine } from './schema-engine.ts';

export interface MigrationDiffOptions {
  /** @default prisma/migrations */
  migrationsDir?: string;
  /** @default prisma/schema.prisma */
  schemaPath?: string;
  /**
   * Where the engine gets its connections, the shadow database among them.
   * @default a fresh in-memory PGlite per connection
   */
  adapterFactory?: SqlMigrationAwareDriverAdapterFactory;
}

/** Exit code the engine reports when the two sides differ (`prisma migrate diff --exit-code`). */
const changesFound = 2;

export async function diffMigrationsToSchema(options: MigrationDiffOptions = {}): Promise<string | null> {
  const migrationsDir = options.migrationsDir ?? defaultMigrationsDir;
  const schemaPath = options.schemaPath ?? defaultSchemaPath;
  const schema = await readFile(schemaPath, 'utf8');
  const migrationsList = await readMigrationsFolder(migrationsDir);
  // The engine takes the connector from the lock file, and before the first
  // migration there is none yet: diff as if it were there, write nothing.
  migrationsList.lockfile.content ??= lockfileContent;

  const { engine, close } = await openSchemaEngine({
    adapterFactory: options.adapterFactory ?? inMemoryFactory(),
    datamodels: [[schemaPath, schema]],
  });
  try {
    const result = await engine.diff({
      // From the migrations rather than from `empty`: `empty` adds a
      // CREATE SCHEMA "public" that the native CLI leaves out.
      from: { tag: 'migrations', ...migrationsList },
      to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: schema }] },
      script: true,
      exitCode: true,
      filters: { externalTables: [], externalEnums: [] },
    });
    return result.exitCode === changesFound ? (result.stdout ?? '') : null;
  } finally {
    await close();
  }
}

// The engine opens a main connection too, though a diff between files reads
// only the shadow database; each gets its own in-memory PGlite, created (a few
// seconds) when the engine asks for it and closed with the engine.
function inMemoryFactory(): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: 'postgres',
    adapterName: 'pglite-prisma-adapter',
    connect: connectToFreshPglite,
    connectToShadowDb: connectToFreshPglite,
  };
}
