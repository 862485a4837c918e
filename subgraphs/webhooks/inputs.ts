import { z } from 'zod';
import { isWebhookEventType } from '../../schema/events.ts';

const url = z
  .string()
  .trim()
  .max(2048, 'must be at most 2048 characters')
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), 'must be an http or https URL')
  .refine((value) => !URL.canParse(value) || (new URL(value).username === '' && new URL(value).password === ''), 'must not carry credentials');

const eventTypes = z
  .array(z.string())
  .min(1, 'must name at least one event type')
  .max(50)
  .superRefine((types, ctx) => {
    const unknown = types.find((type) => !isWebhookEventType(type));
    if (unknown !== undefined) ctx.addIssue({ code: 'custom', message: `'${unknown}' is not a webhook event type (see webhookEventTypes)` });
  })
  .transform((types) => [...new Set(types)]);

export const payloadFilter = z
  .record(z.string().min(1).max(100), z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]), {
    error: 'must be an object of field names to string, number, boolean or null values',
  })
  .refine((filter) => Object.keys(filter).length <= 20, 'may compare at most 20 fields')
  .nullish();

const description = z.string().trim().max(500, 'must be at most 500 characters').nullish();

export const createEndpointInput = z.object({
  url,
  description,
  eventTypes,
  payloadFilter,
  enabled: z.boolean().nullish(),
});

export const updateEndpointInput = z.object({
  url: url.nullish(),
  description,
  eventTypes: eventTypes.nullish(),
  payloadFilter,
  enabled: z.boolean().nullish(),
});

export const uuidOf = (what: string) => z.string().uuid(`must be a ${what} id`);

export const rotateInput = z.object({
  id: uuidOf('webhook endpoint'),
  overlapSeconds: z.number().int().min(0, 'cannot be negative').max(7 * 86_400, 'must be at most 604800 (7 days)').nullish(),
});

export const recoverInput = z.object({
  endpointId: uuidOf('webhook endpoint'),
  since: z.date({ error: 'must be an ISO-8601 time' }).refine((date) => date.getTime() <= Date.now(), 'cannot be in the future'),
});

export const testInput = z.object({
  endpointId: uuidOf('webhook endpoint'),
  message: z.string().max(1000).nullish(),
});
