import { z } from 'zod';
import { AUTOMATION_TRIGGER_EVENT_TYPES, isAutomationTriggerEventType } from '../../../schema/events.ts';
import { payloadFilter } from '../inputs.ts';

/** An automation waits at most a day before its action runs. */
export const MAX_DELAY_SECONDS = 86_400;
/** Automations one owner may keep. */
export const MAX_AUTOMATIONS_PER_OWNER = 100;

const eventType = z
  .string()
  .refine(isAutomationTriggerEventType, { message: `must be an event type automations hear: ${AUTOMATION_TRIGGER_EVENT_TYPES.join(', ')}` });

/** The trigger: an event type and a condition in the webhook payload-filter format. */
const trigger = z.object({ eventType, condition: payloadFilter });

const variables = z
  .record(z.string().min(1).max(100), z.unknown(), { error: 'must be an object of variable names to values' })
  .refine((value) => JSON.stringify(value).length <= 10_000, 'must be at most 10000 characters as JSON')
  .nullish();

/** Exactly one of: a webhook endpoint of the owner's, or a mutation of the supergraph. */
const action = z
  .object({
    webhookEndpointId: z.string().uuid('must be a webhook endpoint id').nullish(),
    mutation: z.string().trim().min(1, 'must not be empty').nullish(),
    variables,
  })
  .superRefine((value, ctx) => {
    const kinds = Number(value.webhookEndpointId != null) + Number(value.mutation != null);
    if (kinds !== 1) ctx.addIssue({ code: 'custom', message: 'must name exactly one of webhookEndpointId or mutation' });
    if (value.variables != null && value.mutation == null) ctx.addIssue({ code: 'custom', path: ['variables'], message: 'only a mutation action takes variables' });
  });

const name = z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters');
const delaySeconds = z.number().int().min(0, 'cannot be negative').max(MAX_DELAY_SECONDS, `must be at most ${MAX_DELAY_SECONDS} (a day)`).nullish();

export const createAutomationInput = z.object({ name, trigger, delaySeconds, action, enabled: z.boolean().nullish() });

export const updateAutomationInput = z.object({
  name: name.nullish(),
  trigger: trigger.nullish(),
  delaySeconds,
  action: action.nullish(),
  enabled: z.boolean().nullish(),
});

export type AutomationActionInput = z.infer<typeof action>;

export const runStatus = z.enum(['pending', 'succeeded', 'failed', 'loop_stopped', 'cancelled']).nullish();
