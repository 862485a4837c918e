import { context, trace, type Tracer } from '@opentelemetry/api';
import type { Logger } from '../../core/logger.ts';

/** OpenTelemetry spans, exported over OTLP/HTTP only when an endpoint is configured. */
export type TracingConfig =
  | { readonly kind: 'off' }
  | { readonly kind: 'otlp'; readonly tracesUrl: string; readonly serviceName: string; readonly exportDelayMs: number };

export interface Tracing {
  readonly tracer: Tracer;
  /** Sends the spans still batched, then unregisters. */
  close(): Promise<void>;
}

/**
 * OpenTelemetry tracing, exported over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT
 * is set; otherwise nothing is loaded or registered and every span call site is
 * skipped. The provider is registered globally because Apollo Gateway creates its
 * plan and fetch spans (`gateway.plan`, `gateway.fetch`) on the global API; the
 * async-hooks context manager makes them children of the edge's span.
 */
export async function startTracing(config: TracingConfig, logger: Logger): Promise<Tracing | null> {
  if (config.kind === 'off') return null;
  const [{ BasicTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { AsyncLocalStorageContextManager }, { Resource }] = await Promise.all([
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/resources'),
  ]);
  const exporter = new OTLPTraceExporter({ url: config.tracesUrl });
  const provider = new BasicTracerProvider({
    resource: new Resource({ 'service.name': config.serviceName }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: config.exportDelayMs })],
  });
  provider.register({ contextManager: new AsyncLocalStorageContextManager().enable() });
  logger.info({ tracesUrl: config.tracesUrl }, 'exporting OpenTelemetry traces');
  return {
    tracer: trace.getTracer('federation-gateway'),
    async close() {
      await provider.shutdown().catch((error: unknown) => logger.warn({ err: error }, 'could not export the last spans'));
      trace.disable();
      context.disable();
    },
  };
}
