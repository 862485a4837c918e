import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import type { Logger } from '../logger.ts';
import type { GatewayMetrics } from '../observability/gateway-metrics.ts';
import type { UsageRecorder } from '../usage/usage-recorder.ts';
import { principalId } from '../../subgraphs/shared/principal.ts';
import { countBytesOut } from './byte-counter.ts';
import { loggablePath } from './loggable-path.ts';
import type { Exchange } from './edge-handler.ts';

export interface RequestObserverOptions {
  readonly logger: Logger;
  readonly usage: UsageRecorder;
  readonly metrics: GatewayMetrics;
  /** Null when tracing is off: no span is made. */
  readonly tracer: Tracer | null;
}

/** Runs the rest of the request inside the edge's span, so planning and fetch spans nest under it. */
export type WithinRequest = <T>(work: () => Promise<T>) => Promise<T>;

const direct: WithinRequest = (work) => work();

/**
 * What the edge reports when a request is over: the one log line, a usage record
 * (for requests that were admitted and counted, i.e. client API calls, not health
 * probes or docs pages) and the request metrics. Only identifiers are reported,
 * never credentials: the path is logged without its query string.
 */
export function requestObserver(options: RequestObserverOptions) {
  return (exchange: Exchange): WithinRequest => {
    const started = performance.now();
    const span = options.tracer?.startSpan(`${exchange.request.method} edge`, {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': exchange.request.method ?? 'GET', 'url.path': loggablePath(exchange.url.pathname), 'gateway.request_id': exchange.requestId },
    });
    const bytesOut = countBytesOut(exchange.response);
    const { request, response } = exchange;
    response.on('finish', () => {
      const latencyMs = Math.round((performance.now() - started) * 100) / 100;
      const principal = exchange.principal;
      const route = exchange.route ?? 'unmatched';
      const transport = route === 'GET /graphql' || route === 'POST /graphql' ? 'graphql' : 'rest';
      const { operationName, module } = exchange.notes;
      options.logger.info(
        {
          requestId: exchange.requestId,
          method: request.method,
          path: loggablePath(exchange.url.pathname),
          status: response.statusCode,
          durationMs: latencyMs,
          principal: principal ? principalId(principal) : null,
          ...(operationName ? { operation: operationName } : {}),
        },
        'request',
      );
      if (span) {
        span.updateName(exchange.route ?? `${request.method} unmatched`);
        span.setAttributes({ 'http.route': route, 'http.response.status_code': response.statusCode, ...(operationName ? { 'graphql.operation.name': operationName } : {}) });
        if (principal) span.setAttribute('enduser.id', principalId(principal));
        if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
      options.metrics.request({ route, operation: operationName, status: response.statusCode, transport }, latencyMs / 1000);
      if (!exchange.counted) return;
      options.usage.record({
        occurredAt: new Date(),
        requestId: exchange.requestId,
        transport,
        userId: principal?.userId ?? null,
        apiKeyId: principal?.kind === 'apiKey' ? principal.keyId : null,
        tier: principal?.tier ?? null,
        module,
        operationName,
        route,
        status: response.statusCode,
        latencyMs,
        bytesIn: Number(request.headers['content-length'] ?? 0) || 0,
        bytesOut: bytesOut(),
      });
    });
    if (!span) return direct;
    const active = trace.setSpan(context.active(), span);
    return (work) => context.with(active, work);
  };
}
