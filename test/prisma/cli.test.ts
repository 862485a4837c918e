import { access, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lockFileName } from '../../prisma/pglite-lock.ts';
import { defaultMigrationsDir } from '../../prisma/paths.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';
import { committedMigrations, migrationsDirWith } from './migration-fixtures.ts';
import { runToExit } from '../support/processes.ts';
import { tempDirs } from './temp-dirs.ts';

const migrateCli = fileURLToPath(new URL('../../prisma/migrate-cli.ts', import.meta.url));
const createMigrationCli = fileURLToPath(new URL('../../prisma/create-migration.ts', import.meta.url));

const tempDir = tempDirs();
const exists = (path: string) => access(path).then(() => true, () => false);

/** Every file under `dir` with its content, to tell whether a run wrote anything. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files[path.slice(dir.length)] = await readFile(path, 'utf8');
  }
  return files;
}

/** The environment without DATABASE_URL, so the CLIs fall back to PGlite. */
function envWithoutDatabaseUrl(): NodeJS.ProcessEnv {
  const { DATABASE_URL: _omitted, PGLITE_DATA_DIR: _alsoOmitted, ...rest } = process.env;
  return rest;
}

describe('npm run db:migrate', { timeout: 90_000 }, () => {
  it('migrates the default PGlite folder, then finds it up to date, and exits each time', async () => {
    const cwd = await tempDir('db-migrate-');
    const env = envWithoutDatabaseUrl();
    const [init] = await committedMigrations();

    const first = await runToExit(migrateCli, [], { cwd, env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`applied migration ${init?.name}`);
    expect(await exists(join(cwd, '.data/pglite/PG_VERSION'))).toBe(true);
    expect(await exists(join(cwd, '.data/pglite', lockFileName))).toBe(false);

    const second = await runToExit(migrateCli, [], { cwd, env });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('database schema is up to date');
  });

  it.runIf(postgresAvailable)('migrates the database of DATABASE_URL and exits at once (no idle timer or pool)', async () => {
    const database = await createTestDatabase();
    try {
      const run = await runToExit(migrateCli, [], { env: { ...process.env, DATABASE_URL: database.url } });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('applied migration');
      // The engine's timer and an undisposed pg pool each held the process 10 s.
      expect(run.elapsedMs).toBeLessThan(10_000);
    } finally {
      await database.drop();
    }
  });

  it('reports a failure on stderr with exit code 1', async () => {
    const env = { ...envWithoutDatabaseUrl(), DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/nothing' };
    const run = await runToExit(migrateCli, [], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Can't reach database server");
  });
});

describe('npm run db:migration', { timeout: 90_000 }, () => {
  it('says "no changes" and writes nothing: the committed migrations match schema.prisma', async () => {
    const migrationsDir = await migrationsDirWith(tempDir);
    const before = await snapshot(migrationsDir);
    const run = await runToExit(createMigrationCli, ['--migrations', migrationsDir, 'anything']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^no changes/);
    expect(await snapshot(migrationsDir)).toEqual(before);
  });

  it('writes one migration creating everything the committed ones create, and the lock file, when starting from none', async () => {
    const migrationsDir = join(await tempDir('db-migration-'), 'migrations');
    const run = await runToExit(createMigrationCli, ['--migrations', migrationsDir, 'Init']);
    expect(run.code).toBe(0);

    const created = (await readdir(migrationsDir)).filter((name) => name.endsWith('_init'));
    expect(created).toHaveLength(1);
    expect(created[0]).toMatch(/^\d{14}_init$/);
    const read = (dir: string, ...path: string[]) => readFile(join(dir, ...path), 'utf8');
    // Later migrations add to the first, so compare what they create, not their text.
    const createdObjects = (sql: string) => [...sql.matchAll(/^CREATE (?:TABLE|TYPE|UNIQUE INDEX|INDEX) "([^"]+)"/gm)].map((m) => m[0]).sort();
    const committed = await Promise.all((await committedMigrations()).map((m) => read(defaultMigrationsDir, m.name, 'migration.sql')));
    expect(createdObjects(await read(migrationsDir, created[0] ?? '', 'migration.sql'))).toEqual(createdObjects(committed.join('\n')));
    expect(await read(migrationsDir, 'migration_lock.toml')).toBe(await read(defaultMigrationsDir, 'migration_lock.toml'));
  });
});
