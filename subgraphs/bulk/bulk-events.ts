import type { EventBus } from '../../core/events/event-bus.ts';
import type { BulkEvent } from '../../core/events/bulk-event.ts';
import type { Logger } from '../../core/logger.ts';
import { recordWebhookEvent, type OutboxWriter } from '../webhooks/outbox.ts';

export { bulkEvent, type BulkEvent } from '../../core/events/bulk-event.ts';

/**
 * Writes the webhook deliveries of a status change (in the change's transaction
 * when given one). Progress within a status goes to the bus only: a
 * 100,000-row import would otherwise queue a delivery per batch for every
 * subscribed endpoint.
 */
export async function recordBulkStatusChange(tx: OutboxWriter, event: BulkEvent): Promise<void> {
  await recordWebhookEvent(tx, event);
}

/** Publishes after the commit; the change is committed, so a bus failure is logged, never thrown. */
export function bulkEventPublisher(options: { events: EventBus; logger: Logger }) {
  return async (event: BulkEvent): Promise<void> => {
    await options.events.publish(event).catch((error: unknown) => {
      options.logger.warn({ err: error, operationId: event.payload.operationId }, 'bulk progress event not published (the bus is unavailable); the job goes on');
    });
  };
}
