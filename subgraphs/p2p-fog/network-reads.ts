/** The P2P/fog upstream's read endpoints, one GraphQL field each (seed 002). */
export interface NetworkRead {
  readonly field: string;
  readonly path: string;
  readonly description: string;
}

export const NETWORK_READS: readonly NetworkRead[] = [
  { field: 'p2pStatus', path: '/v1/p2p/status', description: 'BitChat/BetaNet connectivity, as the upstream reports it (GET /v1/p2p/status).' },
  { field: 'fogNodes', path: '/v1/fog/nodes', description: 'Fog computing nodes (GET /v1/fog/nodes).' },
  { field: 'tokens', path: '/v1/tokens', description: 'FOG token balances and economics (GET /v1/tokens).' },
];
