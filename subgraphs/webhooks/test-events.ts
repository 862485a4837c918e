import { z } from 'zod';
import { notFound, validationError } from '../../core/errors/errors.ts';
import { validInput } from '../../core/errors/validate-input.ts';
import type { Principal } from '../../core/identity/principal.ts';
import { platformEvent } from '../../core/events/event-bus.ts';
import type { EventBus } from '../../core/events/event-bus.ts';
import type { PrismaClient } from '../../prisma/generated/client.ts';
import { EVENT_DOCS } from '../../schema/event-docs.ts';
import { WEBHOOK_EVENT_TYPES, type AnyPlatformEvent, type EventPayloads, type WebhookEventType } from '../../schema/events.ts';
import { uuidOf } from './inputs.ts';
import { recordWebhookEvent } from './outbox.ts';
import type { webhookRecords } from './records.ts';

export const triggerInput = z.object({
  eventType: z.enum(WEBHOOK_EVENT_TYPES, { error: `must be a webhook event type: ${WEBHOOK_EVENT_TYPES.join(', ')}` }),
  endpointId: uuidOf('webhook endpoint').nullish(),
});

export interface TestEventServices {
  readonly prisma: PrismaClient;
  readonly events: EventBus;
  readonly records: ReturnType<typeof webhookRecords>;
}

/**
 * Queues a test event through the same outbox and signed delivery worker as real
 * events. `webhook.test` goes to one endpoint and also on the bus (sendTestWebhook);
 * a sample of any other type is written to the outbox only, so subscriptions and
 * the edge's caches never take a made-up key or tier change for a real one.
 */
export function testEvents(services: TestEventServices) {
  const { prisma, events, records } = services;

  const queue = async (event: AnyPlatformEvent, endpointId: string | undefined) => {
    const deliveries = await prisma.$transaction(async (tx) => {
      await recordWebhookEvent(tx, event, { triggersAutomations: false, ...(endpointId === undefined ? {} : { endpointId }) });
      return tx.webhookDelivery.findMany({ where: { messageId: event.id }, include: { message: true }, orderBy: { id: 'asc' } });
    });
    return deliveries;
  };

  /** An endpoint of the caller's own, enabled: admins too test only their own receivers here. */
  const ownEnabledEndpoint = async (principal: Principal, id: string) => {
    const endpoint = await records.endpoint(principal, id);
    if (endpoint.ownerId !== principal.userId) throw notFound(`Webhook endpoint '${id}' not found`);
    if (!endpoint.enabled) throw validationError('The endpoint is disabled; enable it before testing it', 'endpointId');
    return endpoint;
  };

  return {
    async sendTestWebhook(principal: Principal, endpointId: string, message: string | null | undefined) {
      const endpoint = await records.endpoint(principal, endpointId);
      if (!endpoint.enabled) throw validationError('The endpoint is disabled; enable it before testing it', 'endpointId');
      const event = platformEvent('webhook.test', endpoint.ownerId, { endpointId: endpoint.id, message: message ?? 'This is a test event from the gateway' });
      const [delivery] = await queue(event, endpoint.id);
      await events.publish(event);
      return delivery;
    },

    /** A sample of `eventType` for one of the caller's endpoints, or for each of theirs subscribed to the type. */
    async trigger(principal: Principal, args: unknown) {
      const input = validInput(triggerInput, args);
      const endpoint = input.endpointId ? await ownEnabledEndpoint(principal, input.endpointId) : undefined;
      const type: WebhookEventType = input.eventType;
      const sample = EVENT_DOCS[type].samplePayload as EventPayloads[typeof type];
      const payload = type === 'webhook.test' && endpoint ? { ...sample, endpointId: endpoint.id } : sample;
      const event = platformEvent(type, principal.userId, payload) as AnyPlatformEvent;
      const deliveries = await queue(event, endpoint?.id);
      return { eventId: event.id, eventType: type, payload, deliveries };
    },
  };
}
