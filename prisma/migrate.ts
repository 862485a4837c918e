// Applies pending migrations: the equivalent of `prisma migrate deploy`, run by
// the WASM schema engine through a driver adapter. It writes the same
// `_prisma_migrations` table, so the native CLI can take over the database.
import { readFile } from 'node:fs/promises';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { readMigrationsFolder } from './migrations-folder.ts';
import { defaultMigrationsDir, defaultSchemaPath } from './paths.ts';
import { migrationsPending } from './pending-migrations.ts';
import type { openSchemaEngine as OpenSchemaEngine, SchemaEngineHandle } from './schema-engine.ts';

export interface ApplyMigrationsOptions {
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /**
   * Folder holding `migration_lock.toml` and `<timestamp>_<name>/migration.sql`.
   * @default prisma/migrations
   */
  migrationsDir?: string;
  /**
   * The Prisma schema; the engine reads the datasource provider from it.
   * @default prisma/schema.prisma
   */
  schemaPath?: string;
  /**
   * Receives one line per applied migration.
   * @default discards them
   */
  log?: (line: string) => void;
  /**
   * Opens the WASM schema engine; called only when a migration is pending.
   * @default prisma/schema-engine.ts's openSchemaEngine, imported on first use
   */
  schemaEngine?: typeof OpenSchemaEngine;
}

export interface ApplyMigrationsResult {
  /** Names of the migrations applied by this call, oldest first; empty when up to date. */
  applied: string[];
}

/**
 * The migrations could not be applied: the database is unreachable, or one
 * failed. A failed one leaves none of its statements behind, is recorded as
 * failed, and stops later runs until it is resolved (as with migrate deploy).
 */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  constructor(
    message: string,
    /** The folder of the migrations that were being applied. */
    readonly migrationsDir: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export async function applyMigrations(options: ApplyMigrationsOptions): Promise<ApplyMigrationsResult> {
  const migrationsDir = options.migrationsDir ?? defaultMigrationsDir;
  const log = options.log ?? (() => {});
  const migrationsList = await readMigrationsFolder(migrationsDir);
  const pending = await migrationsPending(options.adapterFactory, migrationsList).catch(() => true);
  if (!pending) return { applied: [] };
  // Imported here so a process whose database is up to date never loads the engine.
  const engineModule = await import('./schema-engine.ts');
  const openSchemaEngine = options.schemaEngine ?? engineModule.openSchemaEngine;
  const schemaPath = options.schemaPath ?? defaultSchemaPath;
  const datamodels: [string, string][] = [[schemaPath, await readFile(schemaPath, 'utf8')]];
  let engine: SchemaEngineHandle | undefined;
  try {
    engine = await openSchemaEngine({ adapterFactory: options.adapterFactory, datamodels });
    const { appliedMigrationNames } = await engine.engine.applyMigrations({
      migrationsList,
      filters: { externalTables: [], externalEnums: [] },
    });
    for (const name of appliedMigrationNames) log(`applied migration ${name}`);
    return { applied: appliedMigrationNames };
  } catch (error) {
    throw new MigrationError(
      `Applying the migrations in ${migrationsDir} failed: ${engineModule.engineErrorMessage(error)}`,
      migrationsDir,
      { cause: error },
    );
  } finally {
    await engine?.close();
  }
}
