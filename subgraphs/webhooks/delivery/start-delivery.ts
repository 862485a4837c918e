import type { Logger } from '../../../core/logger.ts';
import type { SubgraphServices } from '../../shared/services.ts';
import { deliveryWorker, type DeliveryWorker } from './delivery-worker.ts';
import { webhookSender } from './webhook-sender.ts';
import type { TargetCategory } from './target-guard.ts';

export interface WebhooksConfig {
  /** Whether this gateway process runs a delivery worker (replicas share the queue). */
  readonly workerEnabled: boolean;
  readonly pollIntervalMs: number;
  /** Attempts in flight at once per process. */
  readonly concurrency: number;
  /** Delay before each attempt, the first one included; its length is the number of attempts. */
  readonly retrySchedule: readonly number[];
  /** One attempt, connection to response. */
  readonly timeoutMs: number;
  /** An endpoint whose failures have lasted this long when a delivery runs out of attempts is disabled. */
  readonly disableAfterMs: number;
  /** Address categories a webhook may target; none by default (SSRF guard). */
  readonly allowPrivateTargets: readonly TargetCategory[];
}

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
