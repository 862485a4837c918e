// Committed means answered (DESIGN.md): an event other replicas must hear
// (a revocation, a tier or key change) is written in the transaction of the
// change, published after the commit, and deleted once the bus took it. When
// the bus is down the write still answers success; the relay below republishes
// what is left, so every replica converges soon after the bus returns.
import type { Prisma, PrismaClient } from '../../prisma/generated/client.ts';
import type { AnyPlatformEvent } from '../../schema/events.ts';
import type { EventBus } from '../../core/events/event-bus.ts';
import type { Logger } from '../../core/logger.ts';

/** A Prisma client or the transaction client of `$transaction(async (tx) => …)`. */
export type EventOutboxWriter = Pick<Prisma.TransactionClient, 'eventOutbox'>;

/**
 * The relay leaves a fresh row alone this long, so the publish right after the
 * commit (the usual path) is not doubled by another replica's relay.
 */
const FIRST_RELAY_DELAY_MS = 3_000;
/** How long the publish after a commit may take before the answer goes out anyway (the relay takes over). */
const PUBLISH_WAIT_MS = 1_000;

/** Writes the event in the caller's transaction. */
export async function recordEventForReplicas(tx: EventOutboxWriter, event: AnyPlatformEvent): Promise<void> {
  await tx.eventOutbox.create({
    data: { id: event.id, event: event as unknown as Prisma.InputJsonObject, nextAttemptAt: new Date(Date.now() + FIRST_RELAY_DELAY_MS) },
  });
}

export interface CommittedEventPublisher {
  /** Publishes a committed event; never throws: a bus outage leaves it to the relay. */
  (event: AnyPlatformEvent): Promise<void>;
}

export function committedEventPublisher(options: { prisma: PrismaClient; events: EventBus; logger: Logger }): CommittedEventPublisher {
  return async (event) => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        options.events.publish(event),
        new Promise((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error(`the event bus did not take the event within ${PUBLISH_WAIT_MS} ms`)), PUBLISH_WAIT_MS);
        }),
      ]);
    } catch (error) {
      options.logger.warn({ err: error, eventType: event.type, eventId: event.id }, 'event bus unavailable: the committed event is queued for the relay');
      return;
    } finally {
      clearTimeout(timer);
    }
    await options.prisma.eventOutbox.deleteMany({ where: { id: event.id } }).catch((error: unknown) => {
      // Left in place, the relay publishes it once more; listeners treat events as idempotent.
      options.logger.warn({ err: error, eventId: event.id }, 'could not clear a published event from the outbox');
    });
  };
}

export interface EventOutboxRelayOptions {
  readonly prisma: PrismaClient;
  readonly events: EventBus;
  readonly logger: Logger;
  /** How often due rows are looked for. @default 1000 */
  readonly intervalMs?: number;
  /** Rows claimed per pass. @default 100 */
  readonly batchSize?: number;
  /** Longest wait between attempts at one event. @default 2000 */
  readonly maxBackoffMs?: number;
}

export interface EventOutboxRelay {
  /** One pass now (tests). Resolves to how many events were published. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

/** How long a claimed row is leased to the replica that claimed it. */
const CLAIM_LEASE_MS = 10_000;

/**
 * Republishes queued events. Rows are claimed with FOR UPDATE SKIP LOCKED and a
 * lease, so replicas share the work; a replica that dies mid-pass leaves its
 * rows to the others once the lease runs out.
 */
export function startEventOutboxRelay(options: EventOutboxRelayOptions): EventOutboxRelay {
  const batchSize = options.batchSize ?? 100;
  const maxBackoffMs = options.maxBackoffMs ?? 2_000;
  let running: Promise<number> | null = null;
  let stopped = false;

  const pass = async (): Promise<number> => {
    const claimed = await options.prisma.$queryRaw<Array<{ id: string; event: AnyPlatformEvent; attempts: number }>>`
      UPDATE event_outbox SET next_attempt_at = now() + ${`${CLAIM_LEASE_MS} milliseconds`}::interval, attempts = attempts + 1
      WHERE id IN (
        SELECT id FROM event_outbox WHERE next_attempt_at <= now() ORDER BY created_at LIMIT ${batchSize} FOR UPDATE SKIP LOCKED
      )
      RETURNING id, event, attempts`;
    let published = 0;
    for (const row of claimed) {
      try {
        await options.events.publish(row.event);
      } catch {
        const backoff = Math.min(maxBackoffMs, 250 * 2 ** Math.min(row.attempts, 10));
        await options.prisma.eventOutbox.updateMany({ where: { id: row.id }, data: { nextAttemptAt: new Date(Date.now() + backoff) } });
        // The bus is down for this pass; the rest wait for the next one.
        break;
      }
      await options.prisma.eventOutbox.deleteMany({ where: { id: row.id } });
      published += 1;
    }
    return published;
  };
  const runOnce = (): Promise<number> => {
    running ??= pass().finally(() => {
      running = null;
    });
    return running;
  };

  const timer = setInterval(() => {
    if (stopped) return;
    runOnce().catch((error: unknown) => options.logger.warn({ err: error }, 'event outbox relay pass failed'));
  }, options.intervalMs ?? 1_000);
  timer.unref();

  return {
    runOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => 0);
    },
  };
}
