import type { Prisma } from '../../../prisma/generated/client.ts';
import { isAutomationTriggerEventType, MAX_AUTOMATION_CHAIN, type AnyPlatformEvent } from '../../../schema/events.ts';
import { matchesPayloadFilter } from '../payload-filter.ts';

/** A Prisma client or the transaction client of the change that caused the event. */
export type TriggerWriter = Pick<Prisma.TransactionClient, 'automation' | 'automationRun'>;

/**
 * The loop guard's verdict on running `automationId` for an event caused by
 * `chain`: null when it may run, otherwise why not (kept in the run's history).
 */
export function loopRefusal(automationId: string, chain: readonly string[]): string | null {
  if (chain.includes(automationId)) {
    return `loop guard: the event was caused by this automation's own action (chain: ${[...chain, automationId].join(' → ')})`;
  }
  if (chain.length >= MAX_AUTOMATION_CHAIN) {
    return `loop guard: ${chain.length} automations already led to the event (at most ${MAX_AUTOMATION_CHAIN} in a chain)`;
  }
  return null;
}

/**
 * Queues a run of every enabled automation of the event's owner that it triggers,
 * in the transaction of the change (as webhook deliveries are), so a committed
 * change never loses its runs and a rolled-back one never runs them. A run the
 * loop guard refuses is written already finished as `loop_stopped`, so the owner
 * sees why nothing happened. Ownerless events (admin-wide) trigger nothing.
 * Returns how many runs were written.
 */
export async function recordAutomationTriggers(tx: TriggerWriter, event: AnyPlatformEvent): Promise<number> {
  if (event.ownerId === null || !isAutomationTriggerEventType(event.type)) return 0;
  const candidates = await tx.automation.findMany({
    where: { ownerId: event.ownerId, eventType: event.type, enabled: true },
    select: { id: true, condition: true, delaySeconds: true },
  });
  const triggered = candidates.filter((automation) => matchesPayloadFilter(automation.condition, event.payload));
  if (triggered.length === 0) return 0;
  const chain = event.causedBy ?? [];
  const now = Date.now();
  await tx.automationRun.createMany({
    data: triggered.map((automation) => {
      const refusal = loopRefusal(automation.id, chain);
      return {
        automationId: automation.id,
        eventId: event.id,
        eventType: event.type,
        input: event.payload as unknown as Prisma.InputJsonObject,
        eventOccurredAt: new Date(event.occurredAt),
        causedBy: [...chain],
        nextAttemptAt: new Date(now + automation.delaySeconds * 1000),
        ...(refusal ? { status: 'loop_stopped' as const, lastError: refusal, completedAt: new Date(now) } : {}),
      };
    }),
    // An event relayed twice (at-least-once) runs each automation once.
    skipDuplicates: true,
  });
  return triggered.length;
}
