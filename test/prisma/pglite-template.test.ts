import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../prisma/database.ts';
import { makePgliteTemplate } from '../../prisma/make-pglite-template.ts';
import { TEMPLATE_KEY } from '../../prisma/pglite-template.ts';

// A first start copies the build's PGlite template instead of running initdb.
// These open real PGlite folders made both ways and check they are the same
// database, independent of each other and of the template.
describe('the PGlite template of a first start', () => {
  let root: string;
  let template: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'pglite-template-'));
    template = join(root, 'template');
    expect(await makePgliteTemplate(template)).toBe('made');
  }, 120_000);
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const tables = async (dataDir: string, templateDir: string | null, lines: string[]) => {
    const database = await openDatabase({ kind: 'pglite', dataDir }, { pgliteTemplateDir: templateDir, log: (line) => lines.push(line) });
    try {
      const rows = await database.prisma.$queryRaw<Array<{ name: string }>>`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`;
      const migrations = await database.prisma.$queryRaw<Array<{ count: number }>>`SELECT count(*)::int AS count FROM _prisma_migrations WHERE finished_at IS NOT NULL`;
      return { tables: rows.map((row) => row.name), migrations: migrations[0]!.count };
    } finally {
      await database.close();
    }
  };

  it('gives a new folder the same schema initdb and the migrations give, without applying any migration again', async () => {
    const fromTemplate: string[] = [];
    const fromInitdb: string[] = [];
    const copied = await tables(join(root, 'copied'), template, fromTemplate);
    const made = await tables(join(root, 'made'), null, fromInitdb);
    expect(copied).toEqual(made);
    expect(copied.tables).toContain('bulk_operations');
    expect(fromTemplate.some((line) => /copied from the build's template/.test(line))).toBe(true);
    expect(fromTemplate.some((line) => /applied migration/.test(line))).toBe(false);
    expect(fromInitdb.some((line) => /applied migration/.test(line))).toBe(true);
  }, 120_000);

  it('keeps each copy its own: a write to one folder is in neither the template nor another copy, and a reopened folder is not copied over', async () => {
    const first = join(root, 'first');
    const second = join(root, 'second');
    const write = await openDatabase({ kind: 'pglite', dataDir: first }, { pgliteTemplateDir: template });
    await write.prisma.user.create({ data: { email: 'only-in-first@example.test', passwordHash: 'x' } });
    await write.close();
    const users = async (dataDir: string) => {
      const lines: string[] = [];
      const database = await openDatabase({ kind: 'pglite', dataDir }, { pgliteTemplateDir: template, log: (line) => lines.push(line) });
      try {
        return { count: await database.prisma.user.count({ where: { email: 'only-in-first@example.test' } }), copied: lines.some((line) => /template/.test(line)) };
      } finally {
        await database.close();
      }
    };
    expect(await users(first)).toEqual({ count: 1, copied: false });
    expect(await users(second)).toEqual({ count: 0, copied: true });
    expect(await makePgliteTemplate(join(root, 'again'), template)).toBe('reused');
  }, 120_000);

  it('is not used when it was made from other migrations or another PGlite: the folder is made by initdb', async () => {
    const stale = join(root, 'stale');
    await makePgliteTemplate(stale, template);
    const key = JSON.parse(await readFile(join(stale, TEMPLATE_KEY), 'utf8')) as Record<string, unknown>;
    await writeFile(join(stale, TEMPLATE_KEY), JSON.stringify({ ...key, migrations: 'an older set' }));
    const lines: string[] = [];
    const result = await tables(join(root, 'from-stale'), stale, lines);
    expect(lines.some((line) => /template/.test(line))).toBe(false);
    expect(lines.some((line) => /applied migration/.test(line))).toBe(true);
    expect(result.tables).toContain('bulk_operations');
  }, 120_000);
});
