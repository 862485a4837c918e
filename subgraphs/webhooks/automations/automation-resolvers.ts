import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { validationError } from '../../../core/errors/errors.ts';
import { validInput } from '../../../core/errors/validate-input.ts';
import type { Principal } from '../../../core/identity/principal.ts';
import type { SubgraphContext } from '../../../core/identity/subgraph-context.ts';
import { AUTOMATION_TRIGGER_EVENT_TYPES, type EventType } from '../../../schema/events.ts';
import { EVENT_DOCS } from '../../../schema/event-docs.ts';
import { Prisma, type Automation, type AutomationRun } from '../../../prisma/generated/client.ts';
import { requirePrincipal } from '../../shared/require-principal.ts';
import type { SubgraphServices } from '../../shared/services.ts';
import { NEWEST_FIRST, pageOf, pageWindow } from '../pagination.ts';
import { createAutomationInput, MAX_AUTOMATIONS_PER_OWNER, runStatus, updateAutomationInput, type AutomationActionInput } from './automation-inputs.ts';
import { automationRecords } from './automation-records.ts';

const DISABLED_BY_OWNER = 'disabled by its owner';

/** Made or changed with an API key, an automation acts with that key's rights, never more (see mutation-action.ts). */
const actingKeyOf = (principal: Principal) => (principal.kind === 'apiKey' ? principal.keyId : null);

export function automationResolvers(services: SubgraphServices): GraphQLResolverMap<SubgraphContext> {
  const { prisma } = services;
  const records = automationRecords(prisma);

  /**
   * The action's columns, checked before anything is written: an endpoint of the
   * owner's, or a valid mutation whose required variables the trigger's payload
   * (fields of the event type's documented shape) or `variables` give.
   */
  const actionColumns = async (principal: Principal, action: NonNullable<AutomationActionInput>, eventType: string) => {
    if (action.webhookEndpointId) {
      // A database outage stays a 503: only a missing or foreign endpoint is the caller's mistake.
      const endpoint = await prisma.webhookEndpoint.findUnique({ where: { id: action.webhookEndpointId }, select: { id: true, ownerId: true } });
      if (!endpoint || endpoint.ownerId !== principal.userId) {
        throw validationError(`Invalid 'action.webhookEndpointId': no webhook endpoint '${action.webhookEndpointId}' of yours`, 'action.webhookEndpointId');
      }
      return { actionKind: 'webhook', webhookEndpointId: endpoint.id, mutation: null, variables: Prisma.DbNull };
    }
    const document = action.mutation ?? '';
    const checked = services.mutationCheck(document, 'action.mutation');
    checkVariables(checked.requiredVariables, eventType, action.variables ?? {});
    return {
      actionKind: 'mutation',
      webhookEndpointId: null,
      mutation: document,
      variables: action.variables ? (action.variables as Prisma.InputJsonObject) : Prisma.DbNull,
    };
  };

  /** A new trigger must still give the kept mutation its required variables. */
  const recheckedMutation = async (automation: Automation, eventType: string) => {
    if (automation.mutation !== null && eventType !== automation.eventType) {
      const checked = services.mutationCheck(automation.mutation, 'action.mutation');
      checkVariables(checked.requiredVariables, eventType, (automation.variables ?? {}) as Record<string, unknown>);
    }
    return {};
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
        const columns = await actionColumns(principal, input.action, input.trigger.eventType);
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
        const eventType = input.trigger?.eventType ?? automation.eventType;
        const columns = input.action
          ? await actionColumns(principal, input.action, eventType)
          : await recheckedMutation(automation, eventType);
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

/** Every required variable must come from the trigger's payload or from the automation's `variables`. */
function checkVariables(required: readonly string[], eventType: string, variables: Record<string, unknown>): void {
  const payloadFields = Object.keys(EVENT_DOCS[eventType as EventType]?.samplePayload ?? {});
  const missing = required.find((name) => !payloadFields.includes(name) && !Object.hasOwn(variables, name));
  if (missing === undefined) return;
  throw validationError(
    `Invalid 'action.mutation': $${missing} is required, but neither the ${eventType} payload (${payloadFields.join(', ')}) nor 'action.variables' gives it`,
    'action.mutation',
  );
}
