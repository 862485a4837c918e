import type { PrismaClient } from '../../prisma/generated/client.ts';
import { platformEvent, type EventBus } from '../../core/events/event-bus.ts';
import { recordWebhookEvent } from './outbox.ts';

export interface DisableOptions {
  readonly reason: string;
  /** Tell the owner (event bus and their other endpoints); not when they disabled it themselves. */
  readonly notifyOwner: boolean;
}

/**
 * Stops an endpoint: its pending deliveries fail (an owner can replay them with
 * `recoverWebhookDeliveries` once the receiver is fixed), and no new event is
 * queued for it. Idempotent: an endpoint already disabled is left as it is.
 */
export async function disableEndpoint(prisma: PrismaClient, events: EventBus, endpointId: string, options: DisableOptions): Promise<void> {
  const now = new Date();
  const notice = await prisma.$transaction(async (tx) => {
    const endpoint = await tx.webhookEndpoint.findUnique({ where: { id: endpointId }, select: { ownerId: true, url: true } });
    const changed = await tx.webhookEndpoint.updateMany({
      where: { id: endpointId, enabled: true },
      data: { enabled: false, disabledReason: options.reason, disabledAt: now },
    });
    if (!endpoint || changed.count === 0) return null;
    await tx.webhookDelivery.updateMany({
      where: { endpointId, status: 'pending' },
      data: { status: 'failed', claimToken: null, lastError: `endpoint disabled: ${options.reason}`, completedAt: now },
    });
    if (!options.notifyOwner) return null;
    const event = platformEvent('webhook.endpoint_disabled', endpoint.ownerId, { endpointId, url: endpoint.url, reason: options.reason });
    await recordWebhookEvent(tx, event);
    return event;
  });
  if (notice) await events.publish(notice);
}
