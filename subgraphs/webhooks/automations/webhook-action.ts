import type { PrismaClient } from '../../../prisma/generated/client.ts';
import { signWebhook } from '../delivery/signature.ts';
import { webhookBody } from '../delivery/webhook-body.ts';
import type { WebhookSender } from '../delivery/webhook-sender.ts';
import type { ActionRunner } from '../../../core/automations/run-types.ts';

/** 4xx answers that say "later" rather than "never". */
const RETRYABLE_CLIENT_STATUSES = new Set([408, 425, 429]);

/**
 * The webhook action: the triggering event, as Standard Webhooks sends it
 * (`{type, timestamp, data}`), signed with the endpoint's secret(s) and POSTed by
 * the webhook sender (SSRF guard, timeout, no redirects). Its `webhook-id` is
 * `auto_<run id>`, the same on every retry, so a receiver can deduplicate. The
 * endpoint is read at each attempt: a rotated secret or a changed URL applies at once.
 */
export function webhookAction(options: { readonly prisma: PrismaClient; readonly sender: WebhookSender }): ActionRunner {
  return async (run) => {
    if (run.action.kind !== 'webhook') throw new Error('webhookAction runs webhook actions only');
    const endpointId = run.action.endpointId;
    const endpoint = endpointId ? await options.prisma.webhookEndpoint.findUnique({ where: { id: endpointId } }) : null;
    if (!endpoint || endpoint.ownerId !== run.ownerId) return { kind: 'failed', error: 'the webhook endpoint no longer exists' };
    if (!endpoint.enabled) return { kind: 'failed', error: `the webhook endpoint is disabled (${endpoint.disabledReason ?? 'no reason given'})` };
    const secrets =
      endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > new Date()
        ? [endpoint.secret, endpoint.previousSecret]
        : [endpoint.secret];
    const body = webhookBody(run.eventType, run.eventOccurredAt, run.input);
    const headers = signWebhook(`auto_${run.id}`, Math.floor(Date.now() / 1000), body, secrets);
    const result = await options.sender.send(endpoint.url, headers, body);
    const output = { endpointId: endpoint.id, responseStatus: result.status, responseExcerpt: result.excerpt };
    if (result.status !== null && result.status >= 200 && result.status < 300) return { kind: 'succeeded', output };
    const error = result.error ?? `HTTP ${result.status}`;
    if (result.status !== null && result.status >= 400 && result.status < 500 && !RETRYABLE_CLIENT_STATUSES.has(result.status)) {
      return { kind: 'failed', error, output };
    }
    return { kind: 'retry', error, output, retryAfterMs: result.retryAfterMs };
  };
}
