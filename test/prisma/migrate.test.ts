import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, MigrationError } from '../../prisma/migrate.ts';
import { backends, type MigrationBackend } from './backends.ts';
import { committedMigrations, lateMigration, migrationsDirWith } from './migration-fixtures.ts';
import { tempDirs } from './temp-dirs.ts';

const tempDir = tempDirs();

interface MigrationRow extends Record<string, unknown> {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
  logs: string | null;
}

const migrationRows = (db: MigrationBackend) =>
  db.query<MigrationRow>('SELECT * FROM _prisma_migrations ORDER BY migration_name');

const tableExists = async (db: MigrationBackend, table: string) =>
  (await db.query<{ found: string | null }>(`SELECT to_regclass('public.${table}')::text AS found`))[0]?.found != null;

for (const backend of backends) {
  describe.runIf(backend.available)(`applyMigrations on ${backend.name}`, { timeout: 60_000 }, () => {
    describe('the committed migrations', () => {
      let db: MigrationBackend;
      beforeAll(async () => {
        db = await backend.open();
      }, 60_000);
      afterAll(() => db?.close());

      it('applies them and records them as `prisma migrate deploy` does', async () => {
        const committed = await committedMigrations();
        const { applied } = await applyMigrations({ adapterFactory: db.adapterFactory });
        expect(applied).toEqual(committed.map((m) => m.name));

        const rows = await migrationRows(db);
        expect(rows.map((r) => [r.migration_name, r.checksum])).toEqual(committed.map((m) => [m.name, m.checksum]));
        for (const row of rows) {
          expect(row.finished_at).toBeInstanceOf(Date);
          expect(row.rolled_back_at).toBeNull();
          expect(row.applied_steps_count).toBe(1);
        }
        for (const table of ['users', 'api_keys', 'revoked_tokens']) expect(await tableExists(db, table)).toBe(true);
      });

      it('re-applying them is a no-op', async () => {
        const before = await migrationRows(db);
        const { applied } = await applyMigrations({ adapterFactory: db.adapterFactory });
        expect(applied).toEqual([]);
        expect(await migrationRows(db)).toEqual(before);
      });

      it('does not load the WASM schema engine when nothing is pending, and does when a migration is', async () => {
        let engines = 0;
        const { openSchemaEngine } = await import('../../prisma/schema-engine.ts');
        const counting: typeof openSchemaEngine = (options) => {
          engines += 1;
          return openSchemaEngine(options);
        };
        expect((await applyMigrations({ adapterFactory: db.adapterFactory, schemaEngine: counting })).applied).toEqual([]);
        expect(engines).toBe(0);
        const late = lateMigration('late_table');
        const withLate = await migrationsDirWith(tempDir, { [late]: 'CREATE TABLE late_table (id int);' });
        expect((await applyMigrations({ adapterFactory: db.adapterFactory, migrationsDir: withLate, schemaEngine: counting })).applied).toEqual([late]);
        expect(engines).toBe(1);
        expect(await tableExists(db, 'late_table')).toBe(true);
      });
    });

    describe('a migration that fails', () => {
      const broken = lateMigration('broken');
      let db: MigrationBackend;
      let migrationsDir: string;
      beforeAll(async () => {
        db = await backend.open();
        migrationsDir = await migrationsDirWith(tempDir, {
          [broken]: 'CREATE TABLE half_done (id INT);\nINSERT INTO no_such_table VALUES (1);\n',
        });
      }, 60_000);
      afterAll(() => db?.close());

      it('raises an error naming the migration and the cause, and is not recorded as applied', async () => {
        const attempt = applyMigrations({ adapterFactory: db.adapterFactory, migrationsDir });
        await expect(attempt).rejects.toBeInstanceOf(MigrationError);
        await expect(attempt).rejects.toThrow(broken);
        await expect(attempt).rejects.toThrow(/no_such_table/);

        const rows = await migrationRows(db);
        const brokenRow = rows.find((r) => r.migration_name === broken);
        expect(brokenRow?.finished_at).toBeNull();
        // The migrations before it went through.
        const committed = await committedMigrations();
        expect(rows.filter((r) => r.finished_at !== null).map((r) => r.migration_name)).toEqual(
          committed.map((m) => m.name),
        );
      });

      it('leaves none of its statements behind (the script runs as one transaction)', async () => {
        expect(await tableExists(db, 'half_done')).toBe(false);
      });

      it('stops the next run until it is resolved, as `prisma migrate deploy` does', async () => {
        await expect(applyMigrations({ adapterFactory: db.adapterFactory, migrationsDir })).rejects.toThrow(
          new RegExp(`failed migrations[\\s\\S]*${broken}`),
        );
      });
    });

    it('keeps `$$` function bodies whole (statements are not split on ;)', async () => {
      const db = await backend.open();
      try {
        const migrationsDir = await migrationsDirWith(tempDir, {
          [lateMigration('function')]: `CREATE FUNCTION add_one(n INT) RETURNS INT AS $$
DECLARE
  result INT;
BEGIN
  result := n + 1;
  RETURN result;
END;
$$ LANGUAGE plpgsql;
`,
        });
        await applyMigrations({ adapterFactory: db.adapterFactory, migrationsDir });
        expect(await db.query<{ answer: number }>('SELECT add_one(41) AS answer')).toEqual([{ answer: 42 }]);
      } finally {
        await db.close();
      }
    });
  });
}
