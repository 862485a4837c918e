import type { PrismaClient } from '../../prisma/generated/client.ts';
import { validationError } from '../../core/errors/errors.ts';
import type { DeliveryWithMessage } from './records.ts';

/**
 * Replays (Svix's "resend" and "recover"): a new delivery of the same message to
 * the same endpoint, so the receiver sees the same webhook-id and can deduplicate.
 * Its attempts follow the retry schedule afresh.
 */
export async function redeliver(
  prisma: PrismaClient,
  original: DeliveryWithMessage & { endpoint: { enabled: boolean } },
): Promise<DeliveryWithMessage> {
  if (!original.endpoint.enabled) throw validationError('The endpoint is disabled; enable it before redelivering', 'deliveryId');
  return prisma.webhookDelivery.create({
    data: { messageId: original.messageId, endpointId: original.endpointId, redeliveryOfId: original.id },
    include: { message: true },
  });
}

/**
 * Redelivers every message that failed for the endpoint since `since` and has not
 * been delivered (or queued again) since. Returns how many were queued.
 */
export async function recoverFailed(prisma: PrismaClient, endpoint: { id: string; enabled: boolean }, since: Date): Promise<number> {
  if (!endpoint.enabled) throw validationError('The endpoint is disabled; enable it before recovering deliveries', 'endpointId');
  return prisma.$transaction(async (tx) => {
    const failed = await tx.webhookDelivery.findMany({
      where: { endpointId: endpoint.id, status: 'failed', createdAt: { gte: since } },
      orderBy: { createdAt: 'desc' },
      select: { id: true, messageId: true },
    });
    const settled = await tx.webhookDelivery.findMany({
      where: { endpointId: endpoint.id, status: { in: ['pending', 'succeeded'] }, messageId: { in: failed.map((d) => d.messageId) } },
      select: { messageId: true },
    });
    const skip = new Set(settled.map((delivery) => delivery.messageId));
    const latestFailure = new Map<string, string>();
    for (const delivery of failed) if (!skip.has(delivery.messageId) && !latestFailure.has(delivery.messageId)) latestFailure.set(delivery.messageId, delivery.id);
    if (latestFailure.size === 0) return 0;
    await tx.webhookDelivery.createMany({
      data: [...latestFailure].map(([messageId, id]) => ({ messageId, endpointId: endpoint.id, redeliveryOfId: id })),
    });
    return latestFailure.size;
  });
}
