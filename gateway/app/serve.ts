import { loadConfigOrExit } from './config/config-or-exit.ts';
import { createLogger } from '../../core/logger.ts';
import { startIdleHeapRelease } from './idle-heap-release.ts';
import { guardProcess } from './process-guard.ts';
import { startGateway } from './start-gateway.ts';

/** `npm start`: the whole gateway, embedded defaults unless DATABASE_URL / REDIS_URL say otherwise. */
async function main(): Promise<void> {
  const config = loadConfigOrExit('gateway');
  const logger = createLogger(config.logLevel);
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  try {
    gateway = await startGateway(config, logger);
  } catch (error) {
    logger.debug({ err: error }, 'start failure');
    console.error(`Gateway failed to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  console.log(`Gateway ready: GraphQL and Sandbox at ${gateway.url}/graphql, health at ${gateway.url}/health`);
  // The young generation start-up and load grew, given back whenever the process goes quiet.
  const heapRelease = startIdleHeapRelease();

  guardProcess({ logger, faults: gateway.faults, close: () => gateway.close(), beforeStop: () => heapRelease.stop() });
}

await main();
