import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { validationError } from '../../../core/errors/errors.ts';
import { validInput } from '../../../core/errors/validate-input.ts';
import type { Principal } from '../../../core/identity/principal.ts';
import type { SubgraphContext } from '../../../core/identity/subgraph-context.ts';
import { AUTOMATION_TRIGGER_EVENT_TYPES } from '../../../schema/events.ts';
import { Prisma, type Automation, type AutomationRun } from '../../../prisma/generated/client.ts';
import { requirePrincipal } from '../../shared/require-principal.ts';
import type { SubgraphServices } from '../../shared/services.ts';
import { NEWEST_FIRST, pageOf, pageWindow } from '../pagination.ts';
import { webhookRecords } from '../records.ts';
import { createAutomationInput, MAX_AUTOMATIONS_PER_OWNER, runStatus, updateAutomationInput, type AutomationActionInput } from './automation-inputs.ts';
import { automationRecords } from './automation-records.ts';

const DISABLED_BY_OWNER = 'disabled by its owner';

/** Made or changed with an API key, an automation acts with that key's rights, never more (see mutation-action.ts). */
const actingKeyOf = (principal: Principal) => (principal.kind === 'apiKey' ? principal.keyId : null);

export function automationResolvers(services: SubgraphServices): GraphQLResolverMap<SubgraphContext> {
  const { prisma } = services;
  const records = automationRecords(prisma);
  const endpoints = webhookRecords(prisma);

  /** The action's columns, checked before anything is written: an owned endpoint, or a valid mutation. */
  const actionColumns = async (principal: Principal, action: NonNullable<AutomationActionInput>) => {
    if (action.webhookEndpointId) {
      const endpoint = await endpoints.endpoint(principal, action.webhookEndpointId).catch(() => null);
      if (!endpoint || endpoint.ownerId !== principal.userId) {
        throw validationError(`Invalid 'action.webhookEndpointId': no webhook endpoint '${action.webhookEndpointId}' of yours`, 'action.webhookEndpointId');
      }
      return { actionKind: 'webhook', webhookEndpointId: endpoint.id, mutation: null, variables: Prisma.DbNull };
    }
    const document = action.mutation ?? '';
    services.mutationCheck(document, 'action.mutation');
    return {
      actionKind: 'mutation',
      webhookEndpointId: null,
      mutation: document,
      variables: action.variables ? (action.variables as Prisma.InputJsonObject) : Prisma.DbNull,
    };
  };

  const runsPage = async (automationId: string, args: { status?: unknown }) => {
    const status = validInput(runStatus, args.status);
    const window = pageWindow(args);
    const rows = await prisma.automationRun.findMany({
      where: { automationId, ...(status ? { status } : {}) },
      orderBy: NEWEST_FIRST,
      take: window.take,
      ...(window.cursor ? { cursor: window.cursor, skip: window.skip } : {}),
    });
    return pageOf(rows, window.size);
  };

  return {
    Query: {
      automations: (_root, _args, context) =>
        prisma.automation.findMany({ where: { ownerId: requirePrincipal(context).userId }, orderBy: NEWEST_FIRST }),
      automation: async (_root, args: { id: string }, context) => records.own(requirePrincipal(context), args.id),
      automationRuns: async (_root, args: { automationId: string; status?: unknown }, context) =>
        runsPage((await records.own(requirePrincipal(context), args.automationId)).id, args),
      automationEventTypes: () => AUTOMATION_TRIGGER_EVENT_TYPES,
    },

    Mutation: {
      createAutomation: async (_root, args: { input: unknown }, context) => {
        const principal = requirePrincipal(context);
        const input = validInput(createAutomationInput, args.input);
        const columns = await actionColumns(principal, input.action);
        const owned = await prisma.automation.count({ where: { ownerId: principal.userId } });
        if (owned >= MAX_AUTOMATIONS_PER_OWNER) throw validationError(`You already have ${owned} automations, the most one owner may keep`);
        const enabled = input.enabled ?? true;
        return prisma.automation.create({
          data: {
            ownerId: principal.userId,
            name: input.name,
            eventType: input.trigger.eventType,
            condition: input.trigger.condition ?? Prisma.DbNull,
            delaySeconds: input.delaySeconds ?? 0,
            ...columns,
            actingKeyId: actingKeyOf(principal),
            enabled,
            ...(enabled ? {} : { disabledReason: DISABLED_BY_OWNER, disabledAt: new Date() }),
          },
        });
      },

      updateAutomation: async (_root, args: { id: string; input: unknown }, context) => {
        const principal = requirePrincipal(context);
        const input = validInput(updateAutomationInput, args.input);
        const automation = await records.own(principal, args.id);
        const columns = input.action ? await actionColumns(principal, input.action) : {};
        const enabling = input.enabled === true && !automation.enabled;
        await prisma.automation.update({
          where: { id: automation.id },
          data: {
            ...(input.name ? { name: input.name } : {}),
            ...(input.trigger ? { eventType: input.trigger.eventType, condition: input.trigger.condition ?? Prisma.DbNull } : {}),
            ...(input.delaySeconds != null ? { delaySeconds: input.delaySeconds } : {}),
            ...columns,
            actingKeyId: actingKeyOf(principal),
            ...(enabling ? { enabled: true, disabledReason: null, disabledAt: null, consecutiveFailures: 0 } : {}),
          },
        });
        if (input.enabled === false && automation.enabled) await records.disable(automation.id, DISABLED_BY_OWNER);
        return prisma.automation.findUniqueOrThrow({ where: { id: automation.id } });
      },

      disableAutomation: async (_root, args: { id: string }, context) => {
        const automation = await records.own(requirePrincipal(context), args.id);
        await records.disable(automation.id, DISABLED_BY_OWNER);
        return prisma.automation.findUniqueOrThrow({ where: { id: automation.id } });
      },

      deleteAutomation: async (_root, args: { id: string }, context) => {
        const automation = await records.own(requirePrincipal(context), args.id);
        await prisma.automation.delete({ where: { id: automation.id } });
        return automation.id;
      },
    },

    Automation: {
      trigger: (automation: Automation) => ({ eventType: automation.eventType, condition: automation.condition }),
      action: (automation: Automation) => ({
        kind: automation.actionKind,
        webhookEndpointId: automation.webhookEndpointId,
        mutation: automation.mutation,
        variables: automation.variables,
      }),
      runs: (automation: Automation, args: { status?: unknown }) => runsPage(automation.id, args),
    },

    AutomationAction: {
      webhookEndpoint: (action: { webhookEndpointId: string | null }) =>
        action.webhookEndpointId ? prisma.webhookEndpoint.findUnique({ where: { id: action.webhookEndpointId } }) : null,
    },

    AutomationRun: {
      nextAttemptAt: (run: AutomationRun) => (run.status === 'pending' ? run.nextAttemptAt : null),
      attempts: (run: AutomationRun) => prisma.automationAttempt.findMany({ where: { runId: run.id }, orderBy: [{ attemptNumber: 'asc' }, { id: 'asc' }] }),
    },
  };
}
