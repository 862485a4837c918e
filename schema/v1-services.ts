/**
 * The AIVillage services behind `/v1` (CONTRACT.md section 5, seed 002). Like the
 * modules they are upstreams: each has a subgraph that gives it a federated face
 * and calls the URL configured for it in `V1_UPSTREAMS`.
 */
export interface V1ServiceDefinition {
  readonly name: string;
  readonly title: string;
  /** The legacy routes this service answers, for docs and the REST bridge. */
  readonly routes: readonly string[];
  /** Its upstream calls the gateway back (progress callbacks, upload links), so PUBLIC_URL matters. */
  readonly callsBack: boolean;
}

export const V1_SERVICES = [
  { name: 'agent-forge', title: 'Agent Forge: training, models and chat', routes: ['POST /v1/models/train', 'GET /v1/models', 'POST /v1/chat'], callsBack: true },
  { name: 'p2p-fog', title: 'P2P network, fog nodes and FOG tokens', routes: ['GET /v1/p2p/status', 'GET /v1/fog/nodes', 'GET /v1/tokens'], callsBack: false },
  { name: 'knowledge', title: 'Knowledge query and file upload', routes: ['POST /v1/query', 'POST /v1/upload'], callsBack: true },
] as const satisfies readonly V1ServiceDefinition[];

export type V1ServiceName = (typeof V1_SERVICES)[number]['name'];

export const V1_SERVICE_NAMES: readonly V1ServiceName[] = V1_SERVICES.map((service) => service.name);

export function isV1ServiceName(value: string): value is V1ServiceName {
  return (V1_SERVICE_NAMES as readonly string[]).includes(value);
}
