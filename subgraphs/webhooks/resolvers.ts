import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { z } from 'zod';
import { validationError } from '../../core/errors/errors.ts';
import { WEBHOOK_EVENT_TYPES, type PlatformEvent } from '../../schema/events.ts';
import { Prisma, type WebhookEndpoint } from '../../prisma/generated/client.ts';
import type { SubgraphContext } from '../../core/identity/subgraph-context.ts';
import type { SubgraphServices } from '../shared/services.ts';
import { requirePrincipal } from '../shared/require-principal.ts';
import { validInput } from '../../core/errors/validate-input.ts';
import { RefusedTargetError } from './delivery/target-guard.ts';
import { disableEndpoint } from './endpoint-disabling.ts';
import { createEndpointInput, recoverInput, rotateInput, testInput, updateEndpointInput, uuidOf } from './inputs.ts';
import { testEvents } from './test-events.ts';
import { eventCatalog } from '../../schema/event-docs.ts';
import { NEWEST_FIRST, pageOf, pageWindow } from './pagination.ts';
import { webhookRecords, type DeliveryWithMessage } from './records.ts';
import { recoverFailed, redeliver } from './replay.ts';
import { generateWebhookSecret } from './secret.ts';
import { isUuid } from '../shared/ids.ts';

const DEFAULT_OVERLAP_SECONDS = 86_400;
const deliveryStatus = z.enum(['pending', 'succeeded', 'failed']).nullish();

export function webhooksResolvers(services: SubgraphServices): GraphQLResolverMap<SubgraphContext> {
  const { prisma, events } = services;
  const records = webhookRecords(prisma);
  const tests = testEvents({ prisma, events, records });

  const checkTarget = async (url: string): Promise<void> => {
    try {
      await services.webhookTargets.checkUrl(new URL(url));
    } catch (error) {
      if (error instanceof RefusedTargetError) {
        throw validationError(`Invalid 'url': resolves to ${error.address}, a ${error.category} address, which this gateway does not call`, 'url');
      }
      throw error;
    }
  };

  const deliveriesPage = async (where: Prisma.WebhookDeliveryWhereInput, args: unknown) => {
    const window = pageWindow(args);
    const rows = await prisma.webhookDelivery.findMany({
      where,
      orderBy: NEWEST_FIRST,
      include: { message: true },
      take: window.take,
      ...(window.cursor ? { cursor: window.cursor, skip: window.skip } : {}),
    });
    return pageOf(rows, window.size);
  };

  const withSecret = (endpoint: WebhookEndpoint) => ({ endpoint, secret: endpoint.secret });

  return {
    Query: {
      webhookEndpoints: (_root, _args, context) => {
        const principal = requirePrincipal(context);
        return prisma.webhookEndpoint.findMany({
          where: principal.tier === 'admin' ? {} : { ownerId: principal.userId },
          orderBy: NEWEST_FIRST,
        });
      },
      webhookEndpoint: (_root, args: { id: string }, context) => records.endpoint(requirePrincipal(context), args.id),
      webhookDeliveries: async (_root, args: { endpointId?: string | null; status?: unknown }, context) => {
        const principal = requirePrincipal(context);
        const endpointId = args.endpointId ? (await records.endpoint(principal, args.endpointId)).id : undefined;
        return deliveriesPage({ ...records.visibleDeliveries(principal), ...(endpointId ? { endpointId } : {}), ...statusFilter(args.status) }, args);
      },
      webhookDelivery: (_root, args: { id: string }, context) => records.delivery(requirePrincipal(context), args.id),
      webhookEventTypes: () => WEBHOOK_EVENT_TYPES,
      eventCatalog: (_root, args: { webhookDeliverable?: boolean | null }) =>
        eventCatalog().filter((entry) => args.webhookDeliverable == null || entry.webhookDeliverable === args.webhookDeliverable),
    },

    Mutation: {
      createWebhookEndpoint: async (_root, args: { input: unknown }, context) => {
        const principal = requirePrincipal(context);
        const input = validInput(createEndpointInput, args.input);
        await checkTarget(input.url);
        const endpoint = await prisma.webhookEndpoint.create({
          data: {
            ownerId: principal.userId,
            url: input.url,
            description: input.description ?? '',
            eventTypes: input.eventTypes,
            ...(input.payloadFilter ? { payloadFilter: input.payloadFilter } : {}),
            enabled: input.enabled ?? true,
            ...(input.enabled === false ? { disabledReason: 'disabled by its owner', disabledAt: new Date() } : {}),
            secret: generateWebhookSecret(),
          },
        });
        return withSecret(endpoint);
      },

      updateWebhookEndpoint: async (_root, args: { id: string; input: unknown }, context) => {
        const principal = requirePrincipal(context);
        const input = validInput(updateEndpointInput, args.input);
        const endpoint = await records.endpoint(principal, args.id);
        if (input.url) await checkTarget(input.url);
        const enabling = input.enabled === true && !endpoint.enabled;
        await prisma.webhookEndpoint.update({
          where: { id: endpoint.id },
          data: {
            ...(input.url ? { url: input.url } : {}),
            ...(input.description !== undefined ? { description: input.description ?? '' } : {}),
            ...(input.eventTypes ? { eventTypes: input.eventTypes } : {}),
            ...('payloadFilter' in input ? { payloadFilter: input.payloadFilter ?? Prisma.DbNull } : {}),
            ...(enabling ? { enabled: true, disabledReason: null, disabledAt: null, failingSince: null } : {}),
          },
        });
        if (input.enabled === false && endpoint.enabled) {
          await disableEndpoint(prisma, events, endpoint.id, { reason: 'disabled by its owner', notifyOwner: false });
        }
        return prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
      },

      deleteWebhookEndpoint: async (_root, args: { id: string }, context) => {
        const endpoint = await records.endpoint(requirePrincipal(context), args.id);
        await prisma.webhookEndpoint.delete({ where: { id: endpoint.id } });
        return endpoint.id;
      },

      rotateWebhookSecret: async (_root, args: unknown, context) => {
        const input = validInput(rotateInput, args);
        const endpoint = await records.endpoint(requirePrincipal(context), input.id);
        const overlapSeconds = input.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS;
        const rotated = await prisma.webhookEndpoint.update({
          where: { id: endpoint.id },
          data: {
            secret: generateWebhookSecret(),
            previousSecret: overlapSeconds > 0 ? endpoint.secret : null,
            previousSecretExpiresAt: overlapSeconds > 0 ? new Date(Date.now() + overlapSeconds * 1000) : null,
          },
        });
        return withSecret(rotated);
      },

      sendTestWebhook: async (_root, args: unknown, context) => {
        const input = validInput(testInput, args);
        return tests.sendTestWebhook(requirePrincipal(context), input.endpointId, input.message);
      },

      triggerTestEvent: (_root, args: unknown, context) => tests.trigger(requirePrincipal(context), args),

      redeliverWebhook: async (_root, args: unknown, context) => {
        const { deliveryId } = validInput(z.object({ deliveryId: uuidOf('webhook delivery') }), args);
        return redeliver(prisma, await records.delivery(requirePrincipal(context), deliveryId));
      },

      recoverWebhookDeliveries: async (_root, args: unknown, context) => {
        const input = validInput(recoverInput, args);
        return recoverFailed(prisma, await records.endpoint(requirePrincipal(context), input.endpointId), input.since);
      },
    },

    Subscription: {
      // Declared here so it is in the supergraph; the gateway's subscription layer
      // delivers `webhook.delivery_attempted` bus events and resolves them with this.
      webhookDelivery: {
        resolve: (event: PlatformEvent<'webhook.delivery_attempted'>) => ({ ...event.payload, occurredAt: event.occurredAt }),
      },
    },

    WebhookEndpoint: {
      __resolveReference: (reference: { id: string }) =>
        isUuid(reference.id) ? prisma.webhookEndpoint.findUnique({ where: { id: reference.id } }) : null,
      owner: (endpoint: WebhookEndpoint) => ({ __typename: 'User', id: endpoint.ownerId }),
      deliveries: (endpoint: WebhookEndpoint, args: { status?: unknown }) =>
        deliveriesPage({ endpointId: endpoint.id, ...statusFilter(args.status) }, args),
    },

    WebhookDelivery: {
      webhookId: (delivery: DeliveryWithMessage) => delivery.messageId,
      eventType: (delivery: DeliveryWithMessage) => delivery.message.type,
      payload: (delivery: DeliveryWithMessage) => delivery.message.payload,
      nextAttemptAt: (delivery: DeliveryWithMessage) => (delivery.status === 'pending' ? delivery.nextAttemptAt : null),
      redeliveryOf: (delivery: DeliveryWithMessage) => delivery.redeliveryOfId,
      endpoint: (delivery: DeliveryWithMessage) => prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: delivery.endpointId } }),
      attempts: async (delivery: DeliveryWithMessage, args: unknown) => {
        const window = pageWindow(args);
        const rows = await prisma.webhookAttempt.findMany({
          where: { deliveryId: delivery.id },
          orderBy: [{ attemptNumber: 'asc' }, { id: 'asc' }],
          take: window.take,
          ...(window.cursor ? { cursor: window.cursor, skip: window.skip } : {}),
        });
        return pageOf(rows, window.size);
      },
    },
  };
}

function statusFilter(raw: unknown): { status?: 'pending' | 'succeeded' | 'failed' } {
  const status = validInput(deliveryStatus, raw);
  return status ? { status } : {};
}

