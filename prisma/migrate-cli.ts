// `npm run db:migrate`: applies pending migrations to the Postgres server named
// by DATABASE_URL or, without it, to the embedded PGlite folder PGLITE_DATA_DIR
// (default `.data/pglite`): the database `npm start` opens with the same
// variables, and migrates at start too.
import { resolve } from 'node:path';
import { type DatabaseConfig, openDatabase } from './database.ts';

const defaultPgliteDir = '.data/pglite';

function configFromEnv(env: NodeJS.ProcessEnv): DatabaseConfig {
  const url = env['DATABASE_URL'];
  if (url !== undefined && url !== '') return { kind: 'postgres', url };
  return { kind: 'pglite', dataDir: resolve(env['PGLITE_DATA_DIR'] || defaultPgliteDir) };
}

const config = configFromEnv(process.env);
try {
  console.log(config.kind === 'postgres' ? 'migrating the Postgres database of DATABASE_URL' : `migrating PGlite in ${config.dataDir}`);
  const database = await openDatabase(config, { log: (line) => console.log(line) });
  await database.close();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
