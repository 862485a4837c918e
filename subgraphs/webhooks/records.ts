import { notFound } from '../../core/errors/errors.ts';
import type { PrismaClient, WebhookDelivery, WebhookEndpoint, WebhookMessage } from '../../prisma/generated/client.ts';
import type { Principal } from '../../core/identity/principal.ts';
import { isUuid } from '../shared/ids.ts';

export type DeliveryWithMessage = WebhookDelivery & { message: WebhookMessage };

const mayRead = (principal: Principal, ownerId: string) => principal.tier === 'admin' || principal.userId === ownerId;

/**
 * Lookups that answer "not found" for anything the caller may not see, so an
 * owner cannot even learn that someone else's endpoint exists. Admins see all.
 */
export function webhookRecords(prisma: PrismaClient) {
  return {
    async endpoint(principal: Principal, id: string): Promise<WebhookEndpoint> {
      const endpoint = isUuid(id) ? await prisma.webhookEndpoint.findUnique({ where: { id } }) : null;
      if (!endpoint || !mayRead(principal, endpoint.ownerId)) throw notFound(`Webhook endpoint '${id}' not found`);
      return endpoint;
    },

    async delivery(principal: Principal, id: string): Promise<DeliveryWithMessage & { endpoint: WebhookEndpoint }> {
      const delivery = isUuid(id)
        ? await prisma.webhookDelivery.findUnique({ where: { id }, include: { message: true, endpoint: true } })
        : null;
      if (!delivery || !mayRead(principal, delivery.endpoint.ownerId)) throw notFound(`Webhook delivery '${id}' not found`);
      return delivery;
    },

    /** A Prisma filter restricting deliveries to what the caller may see. */
    visibleDeliveries(principal: Principal) {
      return principal.tier === 'admin' ? {} : { endpoint: { ownerId: principal.userId } };
    },
  };
}
