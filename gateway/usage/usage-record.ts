import type { Tier } from '../../schema/tiers.ts';

export type UsageTransport = 'graphql' | 'rest' | 'ws';

/** One client request (or WebSocket message) as the edge saw it; never a credential. */
export interface UsageRecord {
  readonly occurredAt: Date;
  readonly requestId: string;
  readonly transport: UsageTransport;
  /** The token's subject as it names the caller: a UUID of ours, or another issuer's (`auth0|…`). */
  readonly userId: string | null;
  readonly apiKeyId: string | null;
  readonly tier: Tier | null;
  readonly module: string | null;
  readonly operationName: string | null;
  /** `METHOD /pattern` for REST, the endpoint for GraphQL and WS: a low-cardinality name. */
  readonly route: string;
  readonly status: number;
  readonly latencyMs: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
}

/** Where a batch of records goes: one multi-row INSERT (prisma-usage-sink.ts). */
export type UsageSink = (records: readonly UsageRecord[]) => Promise<void>;
