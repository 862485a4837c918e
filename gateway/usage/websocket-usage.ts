import type { Principal } from '../../core/identity/principal.ts';
import type { GatewayMetrics } from '../observability/gateway-metrics.ts';
import type { UsageRecorder } from './usage-recorder.ts';

/** One WebSocket message the server answered (a subscription start, a ping, a legacy /ws frame). */
export interface WebSocketMessage {
  readonly principal: Principal | null;
  /** The connection's request id, or one per message. */
  readonly requestId: string;
  /** `WS /graphql` or `WS /ws`. @default 'WS /graphql' */
  readonly route?: string;
  readonly operationName: string | null;
  readonly module?: string | null;
  /** An HTTP-like status: 200 handled, 4xx refused, 5xx failed. */
  readonly status: number;
  readonly latencyMs: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
}

export interface WebSocketUsage {
  opened(): void;
  closed(): void;
  message(message: WebSocketMessage): void;
}

/**
 * What the WebSocket servers (graphql-ws subscriptions, the legacy /ws bridge) call
 * so their traffic lands in the same usage records and metrics as HTTP requests.
 */
export function webSocketUsage(usage: UsageRecorder, metrics: GatewayMetrics): WebSocketUsage {
  return {
    opened: () => metrics.websocketConnections(1),
    closed: () => metrics.websocketConnections(-1),
    message(message) {
      const route = message.route ?? 'WS /graphql';
      metrics.request({ route, operation: message.operationName, status: message.status, transport: 'ws' }, message.latencyMs / 1000);
      usage.record({
        occurredAt: new Date(),
        requestId: message.requestId,
        transport: 'ws',
        userId: message.principal?.userId ?? null,
        apiKeyId: message.principal?.kind === 'apiKey' ? message.principal.keyId : null,
        tier: message.principal?.tier ?? null,
        module: message.module ?? null,
        operationName: message.operationName,
        route,
        status: message.status,
        latencyMs: message.latencyMs,
        bytesIn: message.bytesIn,
        bytesOut: message.bytesOut,
      });
    },
  };
}
