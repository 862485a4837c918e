import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../prisma/database.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';
import { committedMigrations } from './migration-fixtures.ts';
import { tempDirs } from './temp-dirs.ts';

const tempDir = tempDirs();

const newUser = (email: string) => ({ email, passwordHash: 'not-a-real-hash' });

describe('openDatabase with PGlite', () => {
  it('opens in memory, migrated, and answers ping', async () => {
    const database = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
    try {
      expect(database.kind).toBe('pglite');
      await database.ping();
      const user = await database.prisma.user.create({ data: newUser('memory@example.test') });
      expect(user).toMatchObject({ tier: 'free', scopes: [] });
    } finally {
      await database.close();
    }
    await database.close(); // a second close is harmless
  });

  it('keeps a small shared buffer cache (Postgres default 128MB is resident memory in PGlite)', async () => {
    const database = await openDatabase({ kind: 'pglite', dataDir: join(await tempDir('pglite-'), 'db') });
    try {
      expect(await database.prisma.$queryRaw`SELECT current_setting('shared_buffers') AS value`).toEqual([{ value: '16MB' }]);
    } finally {
      await database.close();
    }
  });

  it('creates a nested data folder, keeps data across restarts, and migrates only once', async () => {
    // PGlite itself creates only the last segment of the path.
    const dataDir = join(await tempDir('pglite-'), 'several', 'levels', 'deep');
    const firstLog: string[] = [];
    const first = await openDatabase({ kind: 'pglite', dataDir }, { log: (line) => firstLog.push(line) });
    await first.prisma.user.create({ data: newUser('kept@example.test') });
    await first.close();
    const committed = await committedMigrations();
    expect(firstLog).toEqual(committed.map((m) => `applied migration ${m.name}`));

    const secondLog: string[] = [];
    const second = await openDatabase({ kind: 'pglite', dataDir }, { log: (line) => secondLog.push(line) });
    try {
      expect(secondLog).toEqual(['database schema is up to date']);
      expect(await second.prisma.user.findUnique({ where: { email: 'kept@example.test' } })).not.toBeNull();
    } finally {
      await second.close();
    }
  });
});

describe.runIf(postgresAvailable)('openDatabase with Postgres', () => {
  it('opens migrated, answers ping while the database is up, and throws once it is gone', async () => {
    const server = await createTestDatabase();
    const database = await openDatabase({ kind: 'postgres', url: server.url });
    try {
      expect(database.kind).toBe('postgres');
      await database.ping();
      await database.prisma.user.create({ data: newUser('server@example.test') });
      expect(await database.prisma.user.count()).toBe(1);

      await server.drop();
      await expect(database.ping()).rejects.toThrow();
    } finally {
      await database.close();
      await server.drop();
    }
  });
});

describe('openDatabase with an unreachable Postgres', () => {
  it('fails with an error that says the server cannot be reached', async () => {
    const unreachable = 'postgresql://postgres@127.0.0.1:1/nothing';
    await expect(openDatabase({ kind: 'postgres', url: unreachable })).rejects.toThrow(/127\.0\.0\.1|reach/i);
  });
});
