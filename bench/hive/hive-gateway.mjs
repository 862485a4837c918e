// Hive Gateway (The Guild) as a peer in bench:federation: its runtime over the
// same supergraph file, served by node's http server as its CLI does, defaults
// everywhere except the two switches the bench compares.
//   node bench/hive/hive-gateway.mjs <supergraph file> <port> [--no-dedup] [--jit]
// Installed apart (bench/hive/package.json) so the gateway's own install stays lean.
import { createServer } from 'node:http';
import { createGatewayRuntime } from '@graphql-hive/gateway';

const [supergraph, port, ...flags] = process.argv.slice(2);
if (!supergraph || !port) {
  console.error('usage: hive-gateway.mjs <supergraph file> <port> [--no-dedup] [--jit]');
  process.exit(2);
}
const gateway = createGatewayRuntime({
  supergraph,
  jit: flags.includes('--jit'),
  // The documented switch (Hive Gateway docs, "Deduplicate Inflight Requests"); on by default.
  ...(flags.includes('--no-dedup') ? { transportEntries: { '*.http': { options: { deduplicateInflightRequests: false } } } } : {}),
  logging: 'warn',
});
const server = createServer(gateway);
server.listen(Number(port), '127.0.0.1', () => console.log(`hive gateway ready on ${port}`));
process.on('SIGTERM', () => process.exit(0));
