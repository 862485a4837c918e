import type { PrismaClient } from '../../../prisma/generated/client.ts';
import type { EventBus } from '../../../core/events/event-bus.ts';
import type { Logger } from '../../../core/logger.ts';
import { delayAfterFailure } from '../delivery/retry-schedule.ts';
import { claimRuns } from './run-queue.ts';
import { recordRunAttempt, type NextStep } from './run-recording.ts';
import type { ActionOutcome, AutomationActions, ClaimedRun } from '../../../core/automations/run-types.ts';

export interface AutomationWorkerOptions {
  readonly prisma: PrismaClient;
  readonly events: EventBus;
  readonly logger: Logger;
  readonly actions: AutomationActions;
  /** Delay before each attempt, the first one included (after the automation's own delay); its length is the number of attempts. */
  readonly retrySchedule: readonly number[];
  /** Runs in a row failing for good that disable the automation. */
  readonly disableAfter: number;
  /** How often an idle worker looks for due runs. */
  readonly pollIntervalMs: number;
  /** Runs in flight at once. */
  readonly concurrency: number;
  /** One attempt's deadline; a slower action counts as failed (and is retried). */
  readonly timeoutMs: number;
}

/** Beyond an attempt's deadline, how long its claim holds the run before another worker may take it. */
const LEASE_MARGIN_MS = 5_000;

export interface AutomationWorker {
  /** Idempotent. */
  start(): void;
  /** Stops claiming and waits for the runs in flight to be recorded. */
  stop(): Promise<void>;
}

/**
 * Claims due runs, runs their action, records each attempt and schedules the next
 * with the retry schedule's backoff (jittered, lengthened by a Retry-After). Several
 * workers (replicas) share one database; the queue keeps them off each other's rows.
 */
export function automationWorker(options: AutomationWorkerOptions): AutomationWorker {
  let running = false;
  let loop: Promise<void> | undefined;
  const inFlight = new Set<Promise<void>>();
  let wakeUp: (() => void) | undefined;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const nextStep = (run: ClaimedRun, outcome: ActionOutcome): NextStep => {
    if (outcome.kind === 'succeeded') return { status: 'succeeded' };
    if (outcome.kind === 'failed') return { status: 'failed' };
    const delayMs = delayAfterFailure(options.retrySchedule, run.attemptNumber, outcome.retryAfterMs ?? null);
    return delayMs === null ? { status: 'failed' } : { status: 'pending', delayMs };
  };

  const attempt = async (run: ClaimedRun): Promise<void> => {
    const startedAt = new Date();
    const t0 = performance.now();
    let outcome: ActionOutcome;
    let timer: NodeJS.Timeout | undefined;
    try {
      const deadline = new Promise<ActionOutcome>((resolve) => {
        timer = setTimeout(() => resolve({ kind: 'retry', error: `timed out after ${options.timeoutMs} ms` }), options.timeoutMs);
      });
      outcome = await Promise.race([options.actions[run.action.kind](run), deadline]);
    } catch (error) {
      // An action's own bug or an outage it did not classify: worth another attempt, never a lost run.
      options.logger.error({ err: error, runId: run.id }, 'automation action threw');
      outcome = { kind: 'retry', error: 'the action failed unexpectedly' };
    } finally {
      clearTimeout(timer);
    }
    const durationMs = Math.round(performance.now() - t0);
    const recorded = await recordRunAttempt(options.prisma, run, { startedAt, durationMs, outcome, next: nextStep(run, outcome) }, options.disableAfter);
    if (!recorded.recorded) {
      options.logger.warn({ runId: run.id }, 'automation attempt finished after its claim lapsed or its run was cancelled; not recorded');
      return;
    }
    if (recorded.disabled) {
      options.logger.warn({ automationId: run.automationId, reason: recorded.disabled.payload.reason }, 'automation disabled');
      await options.events.publish(recorded.disabled).catch((error: unknown) => options.logger.warn({ err: error }, 'could not publish automation.disabled'));
    }
  };

  const run = async () => {
    while (running) {
      // Free slots only: a slow action holds its own slot, not the whole worker.
      const free = options.concurrency - inFlight.size;
      let claimed: ClaimedRun[] = [];
      try {
        if (free > 0) claimed = await claimRuns(options.prisma, free, options.timeoutMs + LEASE_MARGIN_MS);
      } catch (error) {
        options.logger.warn({ err: error }, 'automation claim failed; retrying at the next poll');
      }
      for (const claimedRun of claimed) {
        const inProgress = attempt(claimedRun).catch((error: unknown) =>
          // Unrecorded, the run comes due again when its lease lapses.
          options.logger.error({ err: error, runId: claimedRun.id }, 'automation attempt could not be recorded'),
        );
        inFlight.add(inProgress);
        void inProgress.finally(() => {
          inFlight.delete(inProgress);
          // A slot came free: look again at once rather than at the next poll.
          if (inFlight.size === options.concurrency - 1) wakeUp?.();
        });
      }
      if (!running) break;
      if (free > 0 && claimed.length === free) continue;
      await pause(options.pollIntervalMs);
    }
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
