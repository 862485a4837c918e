import type { Prisma } from '../../prisma/generated/client.ts';
import { isWebhookEventType, type AnyPlatformEvent } from '../../schema/events.ts';
import { matchesPayloadFilter } from './payload-filter.ts';
import { recordAutomationTriggers, type TriggerWriter } from './automations/trigger-recording.ts';

/** A Prisma client or the transaction client of `$transaction(async (tx) => …)`. */
export type OutboxWriter = Pick<Prisma.TransactionClient, 'webhookEndpoint' | 'webhookMessage' | 'webhookDelivery'> & TriggerWriter;

export interface OutboxOptions {
  /** Deliver to this endpoint only, whatever its filter (test events). */
  readonly endpointId?: string;
  /** @default now: the first attempt is due at once */
  readonly firstAttemptDelayMs?: number;
  /** Whether the owner's automations hear of it (not for test events: a sample must not run an action). @default true */
  readonly triggersAutomations?: boolean;
}

/**
 * Writes an event's webhook deliveries in the caller's transaction, so the change
 * and its notification commit or roll back together. Endpoints match on owner
 * (an ownerless event goes to admins' endpoints), event type and payload filter.
 * The owner's automations it triggers are queued in the same transaction.
 * Returns how many deliveries were queued; nothing is written when none match.
 */
export async function recordWebhookEvent(tx: OutboxWriter, event: AnyPlatformEvent, options: OutboxOptions = {}): Promise<number> {
  if (options.triggersAutomations ?? options.endpointId === undefined) await recordAutomationTriggers(tx, event);
  if (!isWebhookEventType(event.type)) return 0;
  const owner: Prisma.WebhookEndpointWhereInput = event.ownerId === null ? { owner: { tier: 'admin' } } : { ownerId: event.ownerId };
  const candidates = await tx.webhookEndpoint.findMany({
    where:
      options.endpointId === undefined
        ? { ...owner, enabled: true, eventTypes: { has: event.type } }
        : { id: options.endpointId, enabled: true },
    select: { id: true, payloadFilter: true },
  });
  const endpoints =
    options.endpointId === undefined
      ? candidates.filter((endpoint) => matchesPayloadFilter(endpoint.payloadFilter, event.payload))
      : candidates;
  if (endpoints.length === 0) return 0;
  await tx.webhookMessage.create({
    data: {
      id: event.id,
      type: event.type,
      ownerId: event.ownerId,
      payload: event.payload as unknown as Prisma.InputJsonObject,
      occurredAt: new Date(event.occurredAt),
    },
  });
  const due = new Date(Date.now() + (options.firstAttemptDelayMs ?? 0));
  await tx.webhookDelivery.createMany({
    data: endpoints.map((endpoint) => ({ messageId: event.id, endpointId: endpoint.id, nextAttemptAt: due })),
  });
  return endpoints.length;
}
