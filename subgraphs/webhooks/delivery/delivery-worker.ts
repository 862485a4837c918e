import type { PrismaClient } from '../../../prisma/generated/client.ts';
import { platformEvent, type EventBus } from '../../../core/events/event-bus.ts';
import type { Logger } from '../../../core/logger.ts';
import { disableEndpoint } from '../endpoint-disabling.ts';
import { attemptBatcher } from './attempt-batcher.ts';
import { deliveryQueue, type AttemptRecord, type ClaimedDelivery } from './delivery-queue.ts';
import { delayAfterFailure } from './retry-schedule.ts';
import { signWebhook } from './signature.ts';
import { webhookBody } from './webhook-body.ts';
import type { SendResult, WebhookSender } from './webhook-sender.ts';

export interface DeliveryWorkerOptions {
  readonly prisma: PrismaClient;
  readonly events: EventBus;
  readonly logger: Logger;
  readonly sender: WebhookSender;
  /** See retry-schedule.ts; its length is the number of attempts. */
  readonly retrySchedule: readonly number[];
  /** An endpoint failing at least this long when a delivery runs out of attempts is disabled. */
  readonly disableAfterMs: number;
  /** How often an idle worker looks for due deliveries. */
  readonly pollIntervalMs: number;
  /** Attempts in flight at once. */
  readonly concurrency: number;
  /** How long a claim holds a delivery; must exceed the sender's timeout. */
  readonly leaseMs: number;
}

export interface DeliveryWorker {
  /** Idempotent. */
  start(): void;
  /** Stops claiming and waits for the attempts in flight to be recorded. */
  stop(): Promise<void>;
}

/**
 * Claims due deliveries, sends them, records each attempt and schedules the next.
 * Several workers (replicas) may run against one database; the queue keeps them
 * off each other's rows.
 */
export function deliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const queue = deliveryQueue(options.prisma, { leaseMs: options.leaseMs });
  // At most every attempt in flight finishes during one write.
  const recorder = attemptBatcher({ recordMany: queue.recordMany, maxBatch: Math.max(1, options.concurrency) });
  const inFlight = new Set<Promise<void>>();
  let running = false;
  let loop: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  /** Waits until half the slots are free, so claims come in batches rather than one by one. */
  const drainToLowWater = async () => {
    while (running && inFlight.size > options.concurrency / 2) await Promise.race(inFlight);
  };

  const run = async () => {
    while (running) {
      const free = options.concurrency - inFlight.size;
      let claimed: ClaimedDelivery[] = [];
      try {
        claimed = await queue.claim(free);
      } catch (error) {
        options.logger.warn({ err: error }, 'webhook claim failed; retrying at the next poll');
      }
      for (const delivery of claimed) {
        const attempt = deliver(delivery).catch((error: unknown) =>
          options.logger.error({ err: error, deliveryId: delivery.id }, 'webhook attempt could not be recorded'),
        );
        inFlight.add(attempt);
        void attempt.finally(() => inFlight.delete(attempt));
      }
      if (!running) break;
      if (claimed.length === free) await drainToLowWater();
      else await pause(options.pollIntervalMs);
    }
  };

  const deliver = async (delivery: ClaimedDelivery): Promise<void> => {
    const body = webhookBody(delivery.eventType, delivery.occurredAt, delivery.payload);
    const startedAt = new Date();
    const headers = signWebhook(delivery.messageId, Math.floor(startedAt.getTime() / 1000), body, delivery.secrets);
    const t0 = performance.now();
    const result = await options.sender.send(delivery.url, headers, body);
    const durationMs = Math.round(performance.now() - t0);
    const attempt = outcomeOf(delivery, result, startedAt, durationMs);
    const recorded = await recorder.record({ delivery, attempt });
    if (!recorded.recorded) {
      options.logger.warn({ deliveryId: delivery.id }, 'webhook attempt finished after its claim lapsed; not recorded');
      return;
    }
    await options.events
      .publish(
        platformEvent('webhook.delivery_attempted', delivery.ownerId, {
          deliveryId: delivery.id,
          endpointId: delivery.endpointId,
          webhookId: delivery.messageId,
          eventType: delivery.eventType,
          attemptNumber: delivery.attemptNumber,
          outcome: attempt.next.status === 'pending' ? 'retrying' : attempt.next.status,
          responseStatus: attempt.responseStatus,
          durationMs,
          error: attempt.error,
          nextAttemptAt: attempt.next.status === 'pending' ? new Date(Date.now() + attempt.next.delayMs).toISOString() : null,
        }),
      )
      .catch((error: unknown) => options.logger.warn({ err: error }, 'could not publish a webhook attempt'));
    const reason = disableReason(attempt, result, recorded.failingSince);
    if (reason) {
      options.logger.warn({ endpointId: delivery.endpointId, reason }, 'disabling webhook endpoint');
      await disableEndpoint(options.prisma, options.events, delivery.endpointId, { reason, notifyOwner: true });
    }
  };

  const outcomeOf = (delivery: ClaimedDelivery, result: SendResult, startedAt: Date, durationMs: number): AttemptRecord => {
    const base = { startedAt, durationMs, responseStatus: result.status, responseExcerpt: result.excerpt };
    if (result.status !== null && result.status >= 200 && result.status < 300) {
      return { ...base, succeeded: true, error: null, next: { status: 'succeeded' } };
    }
    const error = result.error ?? `HTTP ${result.status}`;
    // 410 Gone: the receiver says the endpoint no longer exists; retrying is pointless.
    if (result.status === 410) return { ...base, succeeded: false, error, next: { status: 'failed' } };
    const delayMs = delayAfterFailure(options.retrySchedule, delivery.attemptNumber, result.retryAfterMs);
    return { ...base, succeeded: false, error, next: delayMs === null ? { status: 'failed' } : { status: 'pending', delayMs } };
  };

  const disableReason = (attempt: AttemptRecord, result: SendResult, failingSince: Date | null): string | null => {
    if (result.status === 410) return 'the endpoint answered 410 Gone';
    if (attempt.next.status !== 'failed' || failingSince === null) return null;
    const failingForMs = Date.now() - failingSince.getTime();
    return failingForMs >= options.disableAfterMs ? `every attempt failed for ${Math.round(failingForMs / 1000)} s` : null;
  };

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      wakeUp?.();
      await loop;
      await Promise.allSettled([...inFlight]);
    },
  };
}
