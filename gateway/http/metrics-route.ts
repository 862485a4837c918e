import { createHash, timingSafeEqual } from 'node:crypto';
import type { GatewayMetrics } from '../observability/gateway-metrics.ts';
import type { Exchange, RouteTable } from '../../core/http/exchange.ts';
import { sendErrorEnvelope } from '../../core/http/respond.ts';

/** Who may scrape `/metrics`: a bearer token, clients on loopback only, anyone, or no one. */
export type MetricsAccess =
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'loopback' }
  | { readonly kind: 'open' }
  | { readonly kind: 'off' };

export interface MetricsRouteOptions {
  readonly metrics: GatewayMetrics;
  readonly access: MetricsAccess;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;
const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * `GET /metrics` in the Prometheus text format. Loopback means the socket's own
 * peer, never X-Forwarded-For; behind a proxy on the same host every client looks
 * local, so set METRICS_TOKEN there.
 */
export function metricsRoute(options: MetricsRouteOptions): RouteTable {
  const { access } = options;
  if (access.kind === 'off') return {};
  const expected = access.kind === 'token' ? digest(`Bearer ${access.token}`) : null;

  const allowed = (exchange: Exchange): boolean => {
    switch (access.kind) {
      case 'open':
        return true;
      case 'loopback':
        return LOOPBACK.test(exchange.request.socket.remoteAddress ?? '');
      case 'token':
        return expected !== null && timingSafeEqual(digest(exchange.request.headers.authorization ?? ''), expected);
      default: {
        const unknownAccess: never = access;
        return unknownAccess;
      }
    }
  };

  return {
    '/metrics': {
      GET: async (exchange) => {
        // A refusal looks like an unknown route: no hint that metrics are here.
        if (!allowed(exchange)) return sendErrorEnvelope(exchange.response, exchange.requestId, 'RESOURCE_NOT_FOUND', `Route 'GET /metrics' not found`);
        const body = await options.metrics.registry.metrics();
        exchange.response.statusCode = 200;
        exchange.response.setHeader('Content-Type', options.metrics.registry.contentType);
        exchange.response.end(body);
      },
    },
  };
}
