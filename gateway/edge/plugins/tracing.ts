import { context, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { EdgePlugin } from '../../../core/http/edge-plugin.ts';
import type { Exchange } from '../../../core/http/exchange.ts';
import { principalId } from '../../../core/identity/principal.ts';
import { loggablePath } from '../../http/loggable-path.ts';
import { routeOf } from '../request-facts.ts';

/**
 * An OpenTelemetry span per request; the route runs inside it, so Apollo's
 * planning and fetch spans nest beneath.
 */
export function tracingPlugin(options: { readonly tracer: Tracer }): EdgePlugin {
  const spans = new WeakMap<Exchange, Span>();
  return {
    name: 'tracing',
    onRequest(exchange) {
      const span = options.tracer.startSpan(`${exchange.request.method} edge`, {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': exchange.request.method ?? 'GET',
          'url.path': loggablePath(exchange.url.pathname),
          'gateway.request_id': exchange.requestId,
        },
      });
      spans.set(exchange, span);
    },
    wrapRoute(exchange, route) {
      const span = spans.get(exchange);
      return span ? context.with(trace.setSpan(context.active(), span), route) : route();
    },
    onResponse(exchange) {
      const span = spans.get(exchange);
      if (!span) return;
      const { operationName } = exchange.notes;
      const status = exchange.response.statusCode;
      span.updateName(exchange.route ?? `${exchange.request.method} unmatched`);
      span.setAttributes({ 'http.route': routeOf(exchange), 'http.response.status_code': status, ...(operationName ? { 'graphql.operation.name': operationName } : {}) });
      if (exchange.principal) span.setAttribute('enduser.id', principalId(exchange.principal));
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    },
  };
}
