import { setTimeout as sleep } from 'node:timers/promises';
import type { BulkRuntime } from './bulk-runtime.ts';
import { runExport } from './export-runner.ts';
import { announce, runImport } from './import-runner.ts';

export interface BulkWorkerOptions {
  /** BULK_POLL_MS: how often an idle worker looks for a job. */
  readonly pollMs: number;
}

/**
 * Runs in every gateway: takes one job at a time from the durable queue and runs
 * it to its end (or until shutdown gives it back). Several gateways share the
 * jobs; a job belongs to one of them at a time, through its lease.
 */
export function startBulkWorker(runtime: Omit<BulkRuntime, 'stopping'>, options: BulkWorkerOptions): { stop(): Promise<void> } {
  let stopping = false;
  const stop = new AbortController();
  const full: BulkRuntime = { ...runtime, stopping: () => stopping };

  const runOne = async (): Promise<boolean> => {
    const claim = await runtime.queue.claimOperation();
    if (!claim) return false;
    const operation = await runtime.prisma.bulkOperation.findUnique({ where: { id: claim.id } });
    if (!operation) return true;
    if (claim.started) await announce(full, operation.id, true);
    try {
      if (operation.kind === 'import') await runImport(full, claim, operation);
      else await runExport(full, claim, operation);
    } catch (error) {
      runtime.logger.error({ err: error, operationId: operation.id }, 'a bulk job failed unexpectedly');
      const finished = await runtime.queue.finish(claim, { status: 'failed', error: 'The job failed unexpectedly; see the gateway log' }).catch(() => false);
      if (finished) await announce(full, operation.id, true).catch(() => undefined);
    }
    return true;
  };

  const loop = (async () => {
    while (!stopping) {
      let worked = false;
      try {
        worked = await runOne();
      } catch (error) {
        // The database is down or the job vanished: try again after a pause.
        runtime.logger.warn({ err: error }, 'the bulk worker could not take a job');
      }
      if (!worked && !stopping) await sleep(options.pollMs, undefined, { signal: stop.signal }).catch(() => undefined);
    }
  })();

  return {
    async stop() {
      stopping = true;
      stop.abort();
      await loop;
    },
  };
}
