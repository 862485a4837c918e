import type { EdgePlugin } from '../../../core/http/edge-plugin.ts';
import type { GatewayMetrics } from '../../observability/gateway-metrics.ts';
import { routeOf, transportOf } from '../request-facts.ts';

/** Request counts and latency by route pattern, operation and status (`/metrics`). */
export function requestMetricsPlugin(options: { readonly metrics: GatewayMetrics }): EdgePlugin {
  return {
    name: 'request-metrics',
    onResponse(exchange, done) {
      const route = routeOf(exchange);
      options.metrics.request(
        { route, operation: exchange.notes.operationName, status: exchange.response.statusCode, transport: transportOf(route) },
        done.latencyMs / 1000,
      );
    },
  };
}
