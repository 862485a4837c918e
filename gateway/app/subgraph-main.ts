import { parseArgs } from 'node:util';
import { loadConfigOrExit } from './config/config-or-exit.ts';
import { createLogger } from '../../core/logger.ts';
import { defaultSubgraphPort, isSubgraphName, SUBGRAPH_NAMES } from '../../schema/subgraph-names.ts';
import { guardProcess } from './process-guard.ts';
import { startSubgraphServer } from './subgraph-server.ts';

/** `npm run subgraph -- <name> [--port N] [--host H]` */
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { port: { type: 'string' }, host: { type: 'string', default: '127.0.0.1' } },
});
const name = positionals[0];
if (!name || !isSubgraphName(name)) {
  console.error(`Usage: npm run subgraph -- <name> [--port N]; name is one of: ${SUBGRAPH_NAMES.join(', ')}`);
  process.exit(1);
}
const config = loadConfigOrExit('subgraph');
const logger = createLogger(config.logLevel).child({ subgraph: name });
const port = values.port === undefined ? defaultSubgraphPort(name) : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Invalid --port '${values.port}'`);
  process.exit(1);
}
const running = await startSubgraphServer(name, config, logger, { host: values.host ?? '127.0.0.1', port }).catch((error: unknown) => {
  console.error(`Subgraph ${name} failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
console.log(`Subgraph ${name} ready at ${running.url}`);
guardProcess({ logger, faults: running.faults, close: () => running.close() });
