import { describe, expect, it } from 'vitest';
import { registerAndLogin } from '../support/account-flows.ts';
import { startTestGateway } from '../support/gateway-harness.ts';
import { graphql } from '../support/graphql-client.ts';
import { otlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.ts';

describe('OpenTelemetry tracing', () => {
  it('exports edge, plan and subgraph fetch spans of one trace to the OTLP endpoint', async () => {
    const receiver = await otlpReceiver();
    const gateway = await startTestGateway({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100' });
    try {
      const { token } = await registerAndLogin(gateway.url, 'traced@otel.test');
      const result = await graphql(gateway.url, 'query TracedKeys { apiKeys { id } }', {}, { token, headers: { 'x-request-id': 'req_traced_1' } });
      expect(result.errors).toBeUndefined();
    } finally {
      await gateway.close(); // flushes the batch
      await receiver.close();
    }
    expect(receiver.paths.every((path) => path === '/v1/traces')).toBe(true);
    const edge = receiver.spans.find((span) => span.attributes.some((attribute) => attribute.key === 'gateway.request_id' && attribute.value['stringValue'] === 'req_traced_1'));
    expect(edge?.name).toBe('POST /graphql');
    const sameTrace = receiver.spans.filter((span) => span.traceId === edge?.traceId);
    const names = sameTrace.map((span) => span.name);
    expect(names).toEqual(expect.arrayContaining(['gateway.plan', 'gateway.fetch']));
    // Apollo's spans hang under the edge's.
    expect(sameTrace.filter((span) => span.parentSpanId === edge?.spanId).length).toBeGreaterThan(0);
    const attributes = Object.fromEntries(edge!.attributes.map((attribute) => [attribute.key, Object.values(attribute.value)[0]]));
    expect(attributes).toMatchObject({ 'http.route': 'POST /graphql', 'graphql.operation.name': 'TracedKeys' });
    expect(JSON.stringify(receiver.spans)).not.toContain('Bearer');
  }, 60_000);
});
