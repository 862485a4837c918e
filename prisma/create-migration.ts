// `npm run db:migration -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql
// with the SQL that brings the committed migrations up to schema.prisma, as
// `prisma migrate dev --create-only` would (the WASM engine cannot run
// createMigration, so this diffs instead). Writes nothing when they already match.
//   --schema <file>       default prisma/schema.prisma
//   --migrations <dir>    default prisma/migrations
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { diffMigrationsToSchema } from './migration-diff.ts';
import { ensureLockfile, migrationFileName } from './migrations-folder.ts';
import { defaultMigrationsDir, defaultSchemaPath } from './paths.ts';
import { engineErrorMessage } from './schema-engine.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { schema: { type: 'string' }, migrations: { type: 'string' } },
});
const migrationsDir = values.migrations ?? defaultMigrationsDir;
const schemaPath = values.schema ?? defaultSchemaPath;
const name = migrationName(positionals.join(' '));

if (name === '') {
  console.error('usage: npm run db:migration -- <name>   (letters, digits, spaces or underscores)');
  process.exitCode = 1;
} else {
  try {
    await createMigration(name);
  } catch (error) {
    console.error(engineErrorMessage(error));
    process.exitCode = 1;
  }
}

async function createMigration(name: string): Promise<void> {
  const sql = await diffMigrationsToSchema({ migrationsDir, schemaPath });
  if (sql === null) {
    console.log('no changes: the migrations already match the schema');
    return;
  }
  await mkdir(migrationsDir, { recursive: true });
  // The lock file records the provider; Prisma expects it beside the first migration.
  await ensureLockfile(migrationsDir);
  const folder = join(migrationsDir, `${timestamp(new Date())}_${name}`);
  await mkdir(folder);
  await writeFile(join(folder, migrationFileName), sql);
  console.log(`created ${join(folder, migrationFileName)}`);
}

/** Prisma's folder prefix: the UTC time as yyyyMMddHHmmss, so names sort by age. */
function timestamp(date: Date): string {
  return date.toISOString().replace(/\D/g, '').slice(0, 14);
}

/** The same shape Prisma gives names: lower case words joined by underscores, at most 200 characters. */
function migrationName(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 200);
}
