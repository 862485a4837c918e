import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { FaultLedger } from '../../core/faults/fault-ledger.ts';

export interface GatewayMetricsOptions {
  /**
   * Distinct operation names kept as label values; later names count as `other`,
   * since clients choose them and an unbounded label would grow without end.
   * @default 200
   */
  readonly maxOperationNames?: number;
  /** Process metrics (CPU, memory, event loop lag) from prom-client. @default true */
  readonly processMetrics?: boolean;
}

/** Read when Prometheus scrapes, from the components that keep these numbers. */
export interface GaugeSources {
  usageBuffered?: () => number;
  usageDropped?: () => number;
  rateLimitStore?: () => { failures: number; degradedAdmissions: number };
  faults?: FaultLedger['counts'];
}

export interface GatewayMetrics {
  readonly registry: Registry;
  readonly sources: GaugeSources;
  request(labels: { route: string; operation: string | null; status: number; transport: string }, seconds: number): void;
  subgraphFetch(subgraph: string, seconds: number, failed: boolean): void;
  rateLimitRejected(tier: string): void;
  webhookAttempt(outcome: 'succeeded' | 'retrying' | 'failed'): void;
  /** For the WebSocket server: +1 on open, -1 on close. */
  websocketConnections(delta: number): void;
  eventBusLag(type: string, seconds: number): void;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The gateway's Prometheus metrics, on a registry of its own (no global default registry). */
export function gatewayMetrics(options: GatewayMetricsOptions = {}): GatewayMetrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'gateway_' });
  const maxOperations = options.maxOperationNames ?? 200;
  const operationsSeen = new Set<string>();
  const sources: GaugeSources = {};

  const requests = new Counter({ name: 'gateway_requests_total', help: 'Client requests by route, operation, status and transport', labelNames: ['route', 'operation', 'status', 'transport'], registers });
  const requestSeconds = new Histogram({ name: 'gateway_request_duration_seconds', help: 'Client request latency at the edge', labelNames: ['route', 'transport'], buckets: LATENCY_BUCKETS, registers });
  const fetchSeconds = new Histogram({ name: 'gateway_subgraph_fetch_duration_seconds', help: 'One subgraph fetch of a query plan', labelNames: ['subgraph', 'outcome'], buckets: LATENCY_BUCKETS, registers });
  const rejections = new Counter({ name: 'gateway_rate_limit_rejections_total', help: 'Requests refused with 429', labelNames: ['tier'], registers });
  const webhooks = new Counter({ name: 'gateway_webhook_delivery_attempts_total', help: 'Webhook delivery attempts heard on the event bus', labelNames: ['outcome'], registers });
  const sockets = new Gauge({ name: 'gateway_websocket_connections', help: 'Open WebSocket connections', registers });
  const lag = new Histogram({ name: 'gateway_event_bus_lag_seconds', help: 'From an event being published to this process hearing it', labelNames: ['type'], buckets: LATENCY_BUCKETS, registers });
  new Gauge({ name: 'gateway_usage_buffer_records', help: 'Usage records waiting to be written', registers, collect() { this.set(sources.usageBuffered?.() ?? 0); } });
  new Gauge({ name: 'gateway_usage_dropped_records', help: 'Usage records lost since start: the bounded buffer was full (failed writes are retried), the database refused their content, or still unwritten at shutdown (also logged then)', registers, collect() { this.set(sources.usageDropped?.() ?? 0); } });
  new Gauge({
    name: 'gateway_contained_errors',
    help: 'Throws from callbacks that input reached (multipart parts, WebSocket frames, upgrades, bus messages, response hooks) since start; each ended one request or connection',
    labelNames: ['entry'],
    registers,
    collect() {
      for (const [entry, count] of sources.faults?.().contained ?? []) this.set({ entry }, count);
    },
  });
  new Gauge({
    name: 'gateway_escaped_errors',
    help: 'Errors that reached the process handlers since start (an uncaught exception then stops the replica)',
    labelNames: ['kind'],
    registers,
    collect() {
      for (const [kind, count] of sources.faults?.().escaped ?? []) this.set({ kind }, count);
    },
  });
  new Gauge({ name: 'gateway_rate_limit_store_failures', help: 'Rate-limit decisions the store failed or timed out on since start', registers, collect() { this.set(sources.rateLimitStore?.().failures ?? 0); } });
  new Gauge({ name: 'gateway_rate_limit_degraded_admissions', help: 'Requests admitted uncounted under fail-open since start', registers, collect() { this.set(sources.rateLimitStore?.().degradedAdmissions ?? 0); } });

  const operationLabel = (name: string | null): string => {
    if (name === null) return 'none';
    if (operationsSeen.has(name)) return name;
    if (operationsSeen.size >= maxOperations) return 'other';
    operationsSeen.add(name);
    return name;
  };

  return {
    registry,
    sources,
    request({ route, operation, status, transport }, seconds) {
      requests.inc({ route, operation: operationLabel(operation), status: String(status), transport });
      requestSeconds.observe({ route, transport }, seconds);
    },
    subgraphFetch: (subgraph, seconds, failed) => fetchSeconds.observe({ subgraph, outcome: failed ? 'error' : 'ok' }, seconds),
    rateLimitRejected: (tier) => rejections.inc({ tier }),
    webhookAttempt: (outcome) => webhooks.inc({ outcome }),
    websocketConnections: (delta) => sockets.inc(delta),
    eventBusLag: (type, seconds) => lag.observe({ type }, Math.max(0, seconds)),
  };
}
