import type { Logger } from '../../core/logger.ts';

/**
 * Shutdown, as named phases in the order they run (Apollo Server names
 * `drainServer` then `serverWillStop` the same way). Steps registered in one
 * phase are independent of each other and run together; a phase starts only when
 * the one before it has ended, so the order is declared here, not implied by the
 * order in which the start-up happened to register them.
 */
export const SHUTDOWN_PHASES = [
  /** Stop taking new work: socket upgrades refused, subscribers sent what they were owed, then closed. */
  'drain subscriptions',
  /** Stop listening and finish the requests in flight. */
  'drain http',
  /** Background work that writes: the webhook worker, module probes. */
  'stop workers',
  /** What requests left behind: the usage buffer. */
  'flush',
  /** Apollo, caches, pools, tracing. */
  'stop services',
  /** Counters, the event bus, Redis and the database: everything above may still use them. */
  'close stores',
] as const;

export type ShutdownPhase = (typeof SHUTDOWN_PHASES)[number];

export interface Lifecycle {
  /** Registers a named step for a phase of shutdown. */
  onShutdown(phase: ShutdownPhase, name: string, step: () => Promise<void> | void): void;
  /** Runs every phase in order; a failing step is logged and the rest go on. Idempotent. */
  shutdown(): Promise<void>;
}

export function lifecycle(logger: Logger): Lifecycle {
  const steps = new Map<ShutdownPhase, Array<{ name: string; step: () => Promise<void> | void }>>();
  let done: Promise<void> | undefined;
  const runPhase = async (phase: ShutdownPhase): Promise<void> => {
    await Promise.all(
      (steps.get(phase) ?? []).map(async ({ name, step }) => {
        try {
          logger.debug({ phase, step: name }, 'shutting down');
          await step();
        } catch (error) {
          logger.warn({ err: error, phase, step: name }, 'error while shutting down');
        }
      }),
    );
  };
  return {
    onShutdown(phase, name, step) {
      const list = steps.get(phase) ?? [];
      list.push({ name, step });
      steps.set(phase, list);
    },
    shutdown() {
      done ??= (async () => {
        for (const phase of SHUTDOWN_PHASES) await runPhase(phase);
      })();
      return done;
    },
  };
}
