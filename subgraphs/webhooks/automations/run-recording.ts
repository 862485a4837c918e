import type { PrismaClient } from '../../../prisma/generated/client.ts';
import { Prisma } from '../../../prisma/generated/client.ts';
import { platformEvent } from '../../../core/events/event-bus.ts';
import type { PlatformEvent } from '../../../schema/events.ts';
import { recordWebhookEvent } from '../outbox.ts';
import type { ActionOutcome, ClaimedRun } from '../../../core/automations/run-types.ts';

/** Where a run goes after an attempt: done, failed for good, or due again after a delay. */
export type NextStep = { readonly status: 'succeeded' } | { readonly status: 'failed' } | { readonly status: 'pending'; readonly delayMs: number };

export interface FinishedAttempt {
  readonly startedAt: Date;
  readonly durationMs: number;
  readonly outcome: ActionOutcome;
  readonly next: NextStep;
}

export interface RecordedRunAttempt {
  /** False when the claim had lapsed (another worker took the run over) or the run was cancelled meanwhile. */
  readonly recorded: boolean;
  /** Set when this attempt's failure disabled the automation; published on the bus once committed. */
  readonly disabled: PlatformEvent<'automation.disabled'> | null;
}

/** Outputs are history, not storage: past this they are cut to an excerpt. */
const MAX_OUTPUT_CHARS = 8_192;

function storableOutput(output: unknown): Prisma.InputJsonValue | typeof Prisma.DbNull {
  if (output === undefined || output === null) return Prisma.DbNull;
  const text = JSON.stringify(output);
  if (text.length <= MAX_OUTPUT_CHARS) return JSON.parse(text) as Prisma.InputJsonValue;
  return { truncated: true, excerpt: text.slice(0, MAX_OUTPUT_CHARS) };
}

/** Postgres text cannot hold NUL; a receiver's error text may. */
const storableText = (text: string | null) => (text === null ? null : text.replaceAll('\u0000', '\uFFFD').slice(0, 2_000));

/**
 * Records one attempt while the worker's claim still holds the run, with the
 * automation's failure count in the same transaction: a run that fails for good
 * counts one more failure in a row (a success resets the count), and at
 * `disableAfter` the automation is disabled, its pending runs cancelled, and an
 * `automation.disabled` event queued for the owner's webhooks and automations.
 */
export async function recordRunAttempt(prisma: PrismaClient, run: ClaimedRun, attempt: FinishedAttempt, disableAfter: number): Promise<RecordedRunAttempt> {
  const { outcome, next } = attempt;
  const error = outcome.kind === 'succeeded' ? null : storableText(outcome.error);
  const output = storableOutput(outcome.output);
  const now = new Date();
  return prisma.$transaction(async (tx) => {
    const updated = await tx.automationRun.updateMany({
      where: { id: run.id, claimToken: run.claimToken, status: 'pending' },
      data: {
        status: next.status,
        claimToken: null,
        nextAttemptAt: new Date(now.getTime() + (next.status === 'pending' ? next.delayMs : 0)),
        output,
        lastError: error,
        completedAt: next.status === 'pending' ? null : now,
        durationMs: { increment: attempt.durationMs },
      },
    });
    if (updated.count === 0) return { recorded: false, disabled: null };
    await tx.automationAttempt.create({
      data: {
        runId: run.id,
        attemptNumber: run.attemptNumber,
        startedAt: attempt.startedAt,
        durationMs: attempt.durationMs,
        succeeded: outcome.kind === 'succeeded',
        output,
        error,
      },
    });
    if (next.status === 'succeeded') {
      await tx.automation.updateMany({ where: { id: run.automationId, consecutiveFailures: { gt: 0 } }, data: { consecutiveFailures: 0 } });
      return { recorded: true, disabled: null };
    }
    if (next.status === 'pending') return { recorded: true, disabled: null };
    const automation = await tx.automation.update({ where: { id: run.automationId }, data: { consecutiveFailures: { increment: 1 } } });
    if (!automation.enabled || automation.consecutiveFailures < disableAfter) return { recorded: true, disabled: null };
    const reason = `${automation.consecutiveFailures} runs in a row failed; the last: ${error ?? 'unknown error'}`.slice(0, 500);
    await tx.automation.update({ where: { id: automation.id }, data: { enabled: false, disabledReason: reason, disabledAt: now } });
    await tx.automationRun.updateMany({
      where: { automationId: automation.id, status: 'pending' },
      data: { status: 'cancelled', claimToken: null, lastError: `automation disabled: ${reason}`, completedAt: now },
    });
    // Caused by this automation, so an automation of its own hearing it cannot loop on it.
    const event = platformEvent('automation.disabled', automation.ownerId, { automationId: automation.id, name: automation.name, reason }, [
      ...run.causedBy,
      automation.id,
    ]);
    await recordWebhookEvent(tx, event);
    return { recorded: true, disabled: event };
  });
}
