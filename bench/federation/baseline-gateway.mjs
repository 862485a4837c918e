// The baseline: a bare @apollo/gateway in @apollo/server's standalone server,
// defaults everywhere, over the same supergraph file; no identity, no limits.
// Plain JavaScript run by plain node on purpose: the tsx loader turns on source
// maps, which makes every `new Error().stack` (make-fetch-happen's agent takes
// one per request) dearer, and the baseline should not pay for our tooling.
//   node bench/federation/baseline-gateway.mjs <supergraph file> <port>
import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

const [supergraphPath, port] = process.argv.slice(2);
if (!supergraphPath || !port) {
  console.error('usage: baseline-gateway.mjs <supergraph file> <port>');
  process.exit(2);
}
const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: readFileSync(supergraphPath, 'utf8') }) });
const { url } = await startStandaloneServer(server, { listen: { port: Number(port), host: '127.0.0.1' } });
console.log(`baseline gateway ready at ${url}`);
// Exit normally on SIGTERM so `--cpu-prof` writes its profile.
process.on('SIGTERM', () => process.exit(0));
