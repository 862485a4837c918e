// Where a gateway's start-up memory goes, phase by phase, in the compiled build.
// Run by `npm run bench:startup` as `node --expose-gc bench/startup-phases.mjs <mode>`
// (mode: pglite-fresh | pglite-existing | postgres) with PGLITE_DATA_DIR or
// DATABASE_URL set; prints one JSON line per phase. It repeats startGateway's
// steps with the same modules (dist/), so each step's cost can be read apart.
// Plain JavaScript so no TypeScript loader sits in the measured process.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const dist = (path) => import(pathToFileURL(join(ROOT, 'dist', path)).href);
const require = createRequire(join(ROOT, 'package.json'));
const MiB = (bytes) => Math.round((bytes / 1024 / 1024) * 10) / 10;
let previousRss = 0;
// Wall time of each phase alone: the clock is read before the gc() of the mark and
// restarted after it, so the forced collections are not counted in any phase.
let phaseStart = performance.now();

function mark(phase) {
  const ms = Math.round(performance.now() - phaseStart);
  globalThis.gc?.();
  const m = process.memoryUsage();
  const loaded = Object.keys(require.cache);
  const line = {
    phase,
    ms,
    rssMiB: MiB(m.rss),
    deltaRssMiB: MiB(m.rss - previousRss),
    heapUsedMiB: MiB(m.heapUsed),
    externalMiB: MiB(m.external),
    arrayBuffersMiB: MiB(m.arrayBuffers),
    composition: loaded.some((path) => path.includes('/@apollo/composition/')),
  };
  previousRss = m.rss;
  console.log(JSON.stringify(line));
  phaseStart = performance.now();
}

mark('node, nothing loaded');
const [{ loadConfig }, { createLogger }, { openStorage }, { platformServices }, { createSupergraphServer }, { internalTokens }, { Agent }, { localSubgraphs }] =
  await Promise.all([
    dist('gateway/app/config/load-config.js'),
    dist('core/logger.js'),
    dist('gateway/app/storage.js'),
    dist('gateway/app/platform-services.js'),
    dist('gateway/executor/supergraph-server.js'),
    dist('core/identity/internal-token.js'),
    import('undici'),
    dist('gateway/executor/local-subgraphs.js'),
  ]);
await dist('gateway/app/start-gateway.js');
mark('serve code imported (gateway, Apollo, Prisma client; the database driver and the subgraph definitions load later)');

const config = loadConfig(process.env, 'gateway');
const logger = createLogger('warn');
const storage = await openStorage(config, logger);
const platform = await platformServices(config, storage, logger);
mark(`database open: ${config.database.kind}, migrations checked/applied, one Prisma client connected`);
await storage.database.prisma.user.count();
mark('first Prisma query (query compiler warmed)');

// As the gateway does: the in-process schemas are built on first use, or once it listens.
const inProcess = Object.entries(config.subgraphs).filter(([, location]) => location.kind === 'in-process').map(([name]) => name);
const localSchemas = localSubgraphs(inProcess, async (name) => {
  const [{ subgraphDefinition }, { buildExecutableSubgraph }] = await Promise.all([dist('subgraphs/registry.js'), dist('subgraphs/shared/build-subgraph-schema.js')]);
  return buildExecutableSubgraph(subgraphDefinition(name), platform.subgraphServices);
});

const dispatcher = new Agent({ keepAliveTimeout: 30_000 });
const apollo = createSupergraphServer({
  subgraphs: config.subgraphs,
  localSchemas,
  tokens: internalTokens(config.internalToken),
  dispatcher,
  deduplicationExcluded: new Set(),
  logger,
  production: false,
  exposeStackTraces: false,
  operationLimits: config.operationLimits,
  onFetch: () => {},
});
await apollo.start();
mark('Apollo Gateway + Server started (supergraph loaded, query planner ready)');
await localSchemas.warm((name, error) => {
  throw new Error(`subgraph ${name}: ${error}`);
});
mark(`after listening: ${inProcess.length} in-process subgraph schemas built (their modules loaded)`);

await apollo.stop();
await dispatcher.close();
await platform.stopUpstreams();
await platform.stopEventRelay();
await storage.close();
