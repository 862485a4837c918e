/**
 * The dependencies that ship source maps, loaded before source maps are turned on.
 *
 * node's --enable-source-maps reads and keeps the map of every module it loads
 * while maps are on; @apollo, @opentelemetry, @prisma and PGlite ship about
 * 30 MB of them, which kept 13–17 MiB of heap resident in an idle gateway
 * (bench/README.md). Stack traces in logs need the maps of the gateway's own
 * modules only, so `main.ts` loads these first, then turns maps on
 * (`process.setSourceMapsEnabled`), then loads the gateway. Each is a package
 * the gateway imports anyway, and a module is loaded once, so nothing is added;
 * one missing from this list only costs its map's memory (@apollo/subgraph, 33 kB
 * of maps, is left to load with the in-process subgraphs after listening). The database drivers
 * are loaded for the kind of database the environment names only, as
 * prisma/database.ts imports them (a gateway on Postgres never loads PGlite).
 */
export const DEPENDENCIES_WITH_SOURCE_MAPS = [
  '@apollo/gateway',
  '@apollo/composition',
  '@apollo/server',
  '@apollo/server/plugin/disabled',
  '@apollo/server/plugin/landingPage/default',
  '@opentelemetry/api',
  '@prisma/client/runtime/client',
  '@prisma/driver-adapter-utils',
] as const;

export const DRIVERS_WITH_SOURCE_MAPS = {
  postgres: ['@prisma/adapter-pg'],
  pglite: ['@electric-sql/pglite', 'pglite-prisma-adapter'],
} as const;

export async function loadDependenciesWithoutSourceMaps(env: NodeJS.ProcessEnv): Promise<void> {
  const drivers = env['DATABASE_URL'] ? DRIVERS_WITH_SOURCE_MAPS.postgres : DRIVERS_WITH_SOURCE_MAPS.pglite;
  for (const specifier of [...DEPENDENCIES_WITH_SOURCE_MAPS, ...drivers]) await import(specifier);
}
