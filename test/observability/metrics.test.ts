import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryEventBus } from '../../core/events/memory-event-bus.ts';
import { platformEvent } from '../../core/events/event-bus.ts';
import { observeEventBus } from '../../gateway/observability/event-bus-metrics.ts';
import { gatewayMetrics } from '../../gateway/observability/gateway-metrics.ts';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { startTestGateway } from '../support/gateway-harness.ts';
import { graphql } from '../support/graphql-client.ts';

const family = (families: ParsedFamily[], name: string): ParsedFamily => {
  const found = families.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no metric ${name} in the scrape`);
  return found;
};
// parse-prometheus-text-format 1.1.1 folds a labelled histogram into one sample of
// buckets (labels, _sum and _count dropped), so histograms are checked by their buckets.
const sampleValue = (found: ParsedFamily, labels: Record<string, string>): number =>
  Number(found.metrics.find((sample) => Object.entries(labels).every(([name, value]) => sample.labels?.[name] === value))?.value ?? NaN);

describe('Prometheus /metrics, scraped and parsed', () => {
  let gateway: RunningGateway;

  beforeAll(async () => {
    // A small anonymous allowance, so a 429 is quick to reach.
    gateway = await startTestGateway({ RATE_LIMITS: 'free=6/1000' });
  }, 60_000);
  afterAll(() => gateway?.close());

  it('counts requests by route, operation and status, with latency, subgraph fetches, rejections and the usage buffer', async () => {
    await graphql(gateway.url, 'query Probe { __typename }');
    await graphql(gateway.url, 'query Catalog { modules { slug } }'); // refused by the subgraph: a fetch happens
    let status = 200;
    for (let n = 0; n < 10 && status !== 429; n += 1) status = (await graphql(gateway.url, 'query Probe { __typename }')).status;
    expect(status).toBe(429);

    const response = await fetch(`${gateway.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const families = parsePrometheusTextFormat(await response.text());

    const requests = family(families, 'gateway_requests_total');
    expect(requests.type).toBe('COUNTER');
    expect(sampleValue(requests, { route: 'POST /graphql', operation: 'Probe', status: '200', transport: 'graphql' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(requests, { route: 'POST /graphql', status: '429' })).toBe(1);

    const latency = family(families, 'gateway_request_duration_seconds');
    expect(latency.type).toBe('HISTOGRAM');
    expect(Object.keys(latency.metrics[0]?.buckets ?? {})).toEqual(expect.arrayContaining(['0.1', '+Inf']));
    expect(Number(latency.metrics[0]?.buckets?.['+Inf'])).toBeGreaterThanOrEqual(1);

    const fetches = family(families, 'gateway_subgraph_fetch_duration_seconds');
    expect(fetches.type).toBe('HISTOGRAM');
    expect(Number(fetches.metrics[0]?.buckets?.['+Inf'])).toBeGreaterThanOrEqual(1);
    expect(await (await fetch(`${gateway.url}/metrics`)).text()).toMatch(/gateway_subgraph_fetch_duration_seconds_count\{subgraph="modules",outcome="\w+"\} [1-9]/);
    expect(sampleValue(family(families, 'gateway_rate_limit_rejections_total'), { tier: 'anonymous' })).toBe(1);
    expect(family(families, 'gateway_usage_buffer_records').type).toBe('GAUGE');
    expect(sampleValue(family(families, 'gateway_usage_dropped_records'), {})).toBe(0);
    expect(sampleValue(family(families, 'gateway_rate_limit_store_failures'), {})).toBe(0);
    expect(family(families, 'gateway_process_resident_memory_bytes').type).toBe('GAUGE');
  });
});

describe('/metrics access', () => {
  it('needs the bearer token when METRICS_TOKEN is set, and is absent when METRICS_ACCESS=off', async () => {
    const guarded = await startTestGateway({ METRICS_TOKEN: 'scrape-token-0123456789' });
    try {
      expect((await fetch(`${guarded.url}/metrics`)).status).toBe(404);
      expect((await fetch(`${guarded.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(404);
      expect((await fetch(`${guarded.url}/metrics`, { headers: { authorization: 'Bearer scrape-token-0123456789' } })).status).toBe(200);
    } finally {
      await guarded.close();
    }
    const off = await startTestGateway({ METRICS_ACCESS: 'off' });
    try {
      expect((await fetch(`${off.url}/metrics`)).status).toBe(404);
    } finally {
      await off.close();
    }
  }, 60_000);
});

describe('metrics fed from elsewhere', () => {
  it('counts webhook attempts and event-bus lag from the bus, WebSocket connections, and the rate-limit store’s outages', async () => {
    const metrics = gatewayMetrics({ processMetrics: false });
    const events = memoryEventBus();
    const stop = observeEventBus(events, metrics);
    const attempt = (outcome: 'succeeded' | 'retrying' | 'failed') =>
      platformEvent('webhook.delivery_attempted', null, {
        deliveryId: 'd',
        endpointId: 'e',
        webhookId: 'msg_1',
        eventType: 'webhook.test',
        attemptNumber: 1,
        outcome,
        responseStatus: 200,
        durationMs: 3,
        error: null,
        nextAttemptAt: null,
      });
    await events.publish(attempt('succeeded'));
    await events.publish(attempt('retrying'));
    await events.publish(attempt('succeeded'));
    stop();
    metrics.websocketConnections(1);
    metrics.websocketConnections(1);
    metrics.websocketConnections(-1);
    metrics.sources.rateLimitStore = () => ({ failures: 4, degradedAdmissions: 3 });

    const families = parsePrometheusTextFormat(await metrics.registry.metrics());
    const webhooks = family(families, 'gateway_webhook_delivery_attempts_total');
    expect(sampleValue(webhooks, { outcome: 'succeeded' })).toBe(2);
    expect(sampleValue(webhooks, { outcome: 'retrying' })).toBe(1);
    expect(family(families, 'gateway_event_bus_lag_seconds').metrics[0]?.buckets?.['+Inf']).toBe('3');
    expect(sampleValue(family(families, 'gateway_websocket_connections'), {})).toBe(1);
    expect(sampleValue(family(families, 'gateway_rate_limit_store_failures'), {})).toBe(4);
    expect(sampleValue(family(families, 'gateway_rate_limit_degraded_admissions'), {})).toBe(3);
  });

  it('keeps operation names bounded: names past the limit count as other', () => {
    const metrics = gatewayMetrics({ processMetrics: false, maxOperationNames: 2 });
    for (const name of ['A', 'B', 'C', 'D']) metrics.request({ route: 'POST /graphql', operation: name, status: 200, transport: 'graphql' }, 0.01);
    return metrics.registry.metrics().then((text) => {
      const operations = family(parsePrometheusTextFormat(text), 'gateway_requests_total').metrics.map((sample) => sample.labels?.['operation']);
      expect(operations.sort()).toEqual(['A', 'B', 'other']);
    });
  });
});
