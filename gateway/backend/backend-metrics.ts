import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { BreakerState } from '../../core/upstream/circuit-breaker.ts';

/** How one proxied request ended, as far as the backend is concerned. */
export type BackendOutcome = '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'timeout' | 'unreachable' | 'circuit_open' | 'aborted' | 'rejected';

/** What the backend proxy reports; a no-op by default, the Prometheus one in the gateway. */
export interface BackendMeter {
  request(backend: string, outcome: BackendOutcome, secondsToHeaders: number): void;
  retry(backend: string): void;
  bytes(backend: string, direction: 'upload' | 'download', count: number): void;
  webSocket(backend: string, delta: 1 | -1): void;
  webSocketMessage(backend: string, direction: 'to_backend' | 'to_client'): void;
}

export const NO_BACKEND_METER: BackendMeter = { request() {}, retry() {}, bytes() {}, webSocket() {}, webSocketMessage() {} };

const STATE_VALUE: Readonly<Record<BreakerState, number>> = { closed: 0, 'half-open': 1, open: 2 };
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** `gateway_backend_*` on the gateway's registry; `circuits` is read when Prometheus scrapes. */
export function backendMetrics(registry: Registry, circuits: () => ReadonlyArray<{ readonly name: string; readonly state: BreakerState }>): BackendMeter {
  const registers = [registry];
  const requests = new Counter({ name: 'gateway_backend_requests_total', help: 'Requests passed to a backend, by how they ended', labelNames: ['backend', 'outcome'], registers });
  const seconds = new Histogram({ name: 'gateway_backend_response_seconds', help: 'From sending to a backend until its response headers', labelNames: ['backend'], buckets: BUCKETS, registers });
  const retries = new Counter({ name: 'gateway_backend_retries_total', help: 'Extra attempts of idempotent backend requests', labelNames: ['backend'], registers });
  const bytes = new Counter({ name: 'gateway_backend_bytes_total', help: 'Body bytes streamed through the backend proxy', labelNames: ['backend', 'direction'], registers });
  const sockets = new Gauge({ name: 'gateway_backend_websocket_connections', help: 'Open proxied WebSocket connections', labelNames: ['backend'], registers });
  const messages = new Counter({ name: 'gateway_backend_websocket_messages_total', help: 'WebSocket messages relayed', labelNames: ['backend', 'direction'], registers });
  new Gauge({
    name: 'gateway_backend_circuit_state',
    help: 'Circuit breaker per backend: 0 closed, 1 half-open, 2 open',
    labelNames: ['backend'],
    registers,
    collect() {
      for (const circuit of circuits()) this.set({ backend: circuit.name }, STATE_VALUE[circuit.state]);
    },
  });
  return {
    request(backend, outcome, secondsToHeaders) {
      requests.inc({ backend, outcome });
      if (/^\dxx$/.test(outcome)) seconds.observe({ backend }, secondsToHeaders);
    },
    retry: (backend) => retries.inc({ backend }),
    bytes: (backend, direction, count) => bytes.inc({ backend, direction }, count),
    webSocket: (backend, delta) => sockets.inc({ backend }, delta),
    webSocketMessage: (backend, direction) => messages.inc({ backend, direction }),
  };
}
