import { parseArgs } from 'node:util';
import { BENCH_SUBGRAPH_NAMES, isBenchSubgraphName } from './definitions.ts';
import { startBenchSubgraph } from './server.ts';

/** `node --import tsx bench/subgraphs/main.ts <name> --port <n>`: one benchmark subgraph as its own process. */
const { positionals, values } = parseArgs({ allowPositionals: true, options: { port: { type: 'string', default: '0' } } });
const name = positionals[0] ?? '';
if (!isBenchSubgraphName(name)) {
  console.error(`usage: bench/subgraphs/main.ts <${BENCH_SUBGRAPH_NAMES.join('|')}> --port <n>`);
  process.exit(2);
}
const subgraph = await startBenchSubgraph(name, Number(values.port));
console.log(`bench subgraph ${name} listening at ${subgraph.url}`);
const stop = () => void subgraph.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
