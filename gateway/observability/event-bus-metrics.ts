import type { EventBus } from '../../core/events/event-bus.ts';
import type { GatewayMetrics } from './gateway-metrics.ts';

/**
 * Feeds metrics from the event bus: how late each event arrives here, and the
 * webhook worker's attempts (counted from its events, so the worker stays as it is).
 * Returns the unsubscribe function.
 */
export function observeEventBus(events: EventBus, metrics: GatewayMetrics): () => void {
  return events.subscribe((event) => {
    metrics.eventBusLag(event.type, (Date.now() - Date.parse(event.occurredAt)) / 1000);
    if (event.type === 'webhook.delivery_attempted') {
      metrics.webhookAttempt((event.payload as { outcome: 'succeeded' | 'retrying' | 'failed' }).outcome);
    }
  });
}
