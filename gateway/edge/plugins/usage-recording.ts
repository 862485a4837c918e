import type { EdgePlugin } from '../../../core/http/edge-plugin.ts';
import type { UsageRecorder } from '../../usage/usage-recorder.ts';
import { routeOf, transportOf } from '../request-facts.ts';

/**
 * A usage record for each request that was admitted and counted (client API
 * calls, not health probes or docs pages), appended to the batching recorder.
 */
export function usageRecordingPlugin(options: { readonly usage: UsageRecorder }): EdgePlugin {
  return {
    name: 'usage-recording',
    onResponse(exchange, done) {
      if (!exchange.counted) return;
      const { principal, request, response } = exchange;
      const route = routeOf(exchange);
      options.usage.record({
        occurredAt: new Date(),
        requestId: exchange.requestId,
        transport: transportOf(route),
        userId: principal?.userId ?? null,
        apiKeyId: principal?.kind === 'apiKey' ? principal.keyId : null,
        tier: principal?.tier ?? null,
        module: exchange.notes.module,
        operationName: exchange.notes.operationName,
        route,
        status: response.statusCode,
        latencyMs: done.latencyMs,
        bytesIn: Number(request.headers['content-length'] ?? 0) || 0,
        bytesOut: done.bytesOut,
      });
    },
  };
}
