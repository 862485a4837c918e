import type { FaultLedger } from '../../core/faults/fault-ledger.ts';
import type { Logger } from '../../core/logger.ts';

export interface ProcessGuardOptions {
  readonly logger: Logger;
  readonly faults: FaultLedger;
  /** Runs the shutdown phases. */
  readonly close: () => Promise<void>;
  /** Before the shutdown phases (timers the entry point started). */
  readonly beforeStop?: () => void;
}

/**
 * The process's own handlers, once per entry point. SIGINT and SIGTERM drain and
 * exit 0. An error that escaped every entry point is logged and counted first:
 * an unhandled rejection leaves no half-run code behind, so the process goes on;
 * an uncaught exception may have left any state half-changed, so the replica
 * drains what it can and exits 1 for its supervisor to restart it.
 */
export function guardProcess(options: ProcessGuardOptions): void {
  const { logger, faults } = options;
  let stopping = false;
  const stop = (reason: string, exitCode: number): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'shutting down');
    options.beforeStop?.();
    options
      .close()
      .then(() => process.exit(exitCode))
      .catch(() => process.exit(1));
  };
  process.on('SIGINT', () => stop('SIGINT', 0));
  process.on('SIGTERM', () => stop('SIGTERM', 0));
  process.on('unhandledRejection', (reason) => faults.escaped('unhandledRejection', reason));
  process.on('uncaughtException', (error) => {
    faults.escaped('uncaughtException', error);
    stop('uncaughtException', 1);
  });
}
