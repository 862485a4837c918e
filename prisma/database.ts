// Opens the platform's database in either deployment mode, migrated and ready:
// embedded PGlite (a data folder, or memory for tests) or a Postgres server.
// Each kind's driver is imported when that kind is opened: a gateway on Postgres
// never loads PGlite, an embedded one never loads pg.
import type { PGlite } from '@electric-sql/pglite';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaClient } from './generated/client.ts';
import { applyMigrations } from './migrate.ts';
import type { PostgresAdapterOptions } from './postgres-adapter.ts';

export type DatabaseConfig =
  | { kind: 'pglite'; dataDir: string } // dataDir 'memory://' = in memory (tests)
  | { kind: 'postgres'; url: string; timeouts?: DatabaseTimeouts };

/** Deadlines on every call to a Postgres server (see postgres-adapter.ts). */
export interface DatabaseTimeouts {
  /** Waiting for a connection from the pool or a new one. @default 3000 */
  readonly acquireMs?: number;
  /** One statement; 0 = none. @default 5000 */
  readonly statementMs?: number;
}

export interface Database {
  readonly prisma: PrismaClient;
  readonly kind: DatabaseConfig['kind'];
  /** Cheap liveness check (for /health/detailed); throws when the database is down. */
  ping(): Promise<void>;
  /** Disconnects and, for PGlite, releases the folder lock. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /**
   * Receives progress lines (migrations applied).
   * @default discards them
   */
  log?: (line: string) => void;
  /**
   * A new PGlite folder is copied from this template when it matches (prisma/pglite-template.ts); null makes it with initdb.
   * @default dist/prisma/pglite-template beside the compiled module (none from source)
   */
  pgliteTemplateDir?: string | null;
}

/** PGlite's own prefix for an in-memory database. */
const inMemoryPrefix = 'memory://';

/** Applies pending migrations, then returns a connected client. */
export async function openDatabase(config: DatabaseConfig, options: OpenDatabaseOptions = {}): Promise<Database> {
  switch (config.kind) {
    case 'pglite':
      return openPglite(config.dataDir, options);
    case 'postgres': {
      const { postgresAdapterFactory } = await import('./postgres-adapter.ts');
      return openWith('postgres', postgresAdapterFactory(config.url, postgresOptions(config.timeouts)), options, async () => {}, postgresAdapterFactory(config.url, { ...postgresOptions(config.timeouts), statementTimeoutMillis: 0 }));
    }
    default: {
      const unknownKind: never = config;
      throw new Error(`Unknown database kind: ${JSON.stringify(unknownKind)}`);
    }
  }
}

function postgresOptions(timeouts: DatabaseTimeouts | undefined): PostgresAdapterOptions {
  return {
    ...(timeouts?.acquireMs === undefined ? {} : { connectionTimeoutMillis: timeouts.acquireMs }),
    ...(timeouts?.statementMs === undefined ? {} : { statementTimeoutMillis: timeouts.statementMs }),
  };
}

async function openPglite(dataDir: string, options: OpenDatabaseOptions): Promise<Database> {
  const [{ PGlite }, { pgliteAdapterFactory }, { pgliteOptions }, { lockPgliteFolder }, { seedFromTemplate }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('./pglite-adapter.ts'),
    import('./pglite-options.ts'),
    import('./pglite-lock.ts'),
    import('./pglite-template.ts'),
  ]);
  if (dataDir.startsWith(inMemoryPrefix)) {
    const client = await PGlite.create(dataDir, pgliteOptions());
    return openWith('pglite', pgliteAdapterFactory(client), options, () => client.close());
  }
  const lock = await lockPgliteFolder(dataDir);
  let client: PGlite;
  try {
    if (options.pgliteTemplateDir !== null && (await seedFromTemplate(lock.dataDir, options.pgliteTemplateDir))) {
      options.log?.(`new PGlite folder ${lock.dataDir} copied from the build's template`);
    }
    client = await PGlite.create(lock.dataDir, pgliteOptions());
  } catch (error) {
    await lock.release();
    throw error;
  }
  return openWith('pglite', pgliteAdapterFactory(client), options, async () => {
    try {
      await client.close();
    } finally {
      await lock.release();
    }
  });
}

async function openWith(
  kind: DatabaseConfig['kind'],
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  options: OpenDatabaseOptions,
  releaseStorage: () => Promise<void>,
  // Migrations may run longer than a request's deadline allows.
  migrationAdapterFactory: SqlMigrationAwareDriverAdapterFactory = adapterFactory,
): Promise<Database> {
  let prisma: PrismaClient | undefined;
  try {
    const { applied } = await applyMigrations({ adapterFactory: migrationAdapterFactory, ...(options.log ? { log: options.log } : {}) });
    if (applied.length === 0) options.log?.('database schema is up to date');
    prisma = new PrismaClient({ adapter: adapterFactory });
    await prisma.$connect();
  } catch (error) {
    await prisma?.$disconnect().catch(() => {});
    await releaseStorage();
    throw error;
  }
  const client = prisma;
  let closing: Promise<void> | undefined;
  return {
    prisma: client,
    kind,
    async ping() {
      await client.$queryRaw`SELECT 1`;
    },
    close() {
      closing ??= client.$disconnect().finally(releaseStorage);
      return closing;
    },
  };
}
