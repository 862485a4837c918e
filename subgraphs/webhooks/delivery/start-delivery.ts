import type { WebhooksConfig } from '../../../gateway/config.ts';
import type { Logger } from '../../../gateway/logger.ts';
import type { SubgraphServices } from '../../shared/services.ts';
import { deliveryWorker, type DeliveryWorker } from './delivery-worker.ts';
import { webhookSender } from './webhook-sender.ts';

/** Beyond the sender's own timeout, how long a claim waits before another worker may take the delivery. */
const LEASE_MARGIN_MS = 5_000;

/** The delivery worker a gateway process runs, with its HTTP client; `stop` closes both. */
export function startWebhookDelivery(config: WebhooksConfig, services: Pick<SubgraphServices, 'prisma' | 'events' | 'webhookTargets'>, logger: Logger): DeliveryWorker {
  const sender = webhookSender({ guard: services.webhookTargets, timeoutMs: config.timeoutMs });
  const worker = deliveryWorker({
    prisma: services.prisma,
    events: services.events,
    logger: logger.child({ component: 'webhook-delivery' }),
    sender,
    retrySchedule: config.retrySchedule,
    disableAfterMs: config.disableAfterMs,
    pollIntervalMs: config.pollIntervalMs,
    concurrency: config.concurrency,
    leaseMs: config.timeoutMs + LEASE_MARGIN_MS,
  });
  worker.start();
  return {
    start: () => worker.start(),
    async stop() {
      await worker.stop();
      await sender.close();
    },
  };
}
