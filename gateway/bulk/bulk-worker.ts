import { setTimeout as sleep } from 'node:timers/promises';
import type { BulkOperation } from '../../prisma/generated/client.ts';
import type { ClaimedOperation } from './bulk-queue.ts';
import type { BulkRuntime } from './bulk-runtime.ts';
import { runExport } from './export-runner.ts';
import { announce, runImport } from './import-runner.ts';

export interface BulkWorkerOptions {
  /** BULK_POLL_MS: how often an idle worker looks for a job it was not woken for (lapsed leases, delayed jobs). */
  readonly pollMs: number;
}

export interface BulkWorker {
  /** A job was queued (on any replica): look now instead of at the next poll. */
  wake(): void;
  stop(): Promise<void>;
}

/** Claims the next due job and, when this claim started it, announces that it runs. */
export async function takeNextJob(runtime: Pick<BulkRuntime, 'prisma' | 'queue' | 'publish' | 'recordStatusChange'>): Promise<{ claim: ClaimedOperation; operation: BulkOperation | null } | null> {
  const claim = await runtime.queue.claimOperation();
  if (!claim) return null;
  const operation = await runtime.prisma.bulkOperation.findUnique({ where: { id: claim.id } });
  if (operation) await announce(runtime, claim.started);
  return { claim, operation };
}

/**
 * Runs in every gateway: takes one job at a time from the durable queue and runs
 * it to its end (or until shutdown gives it back). Several gateways share the
 * jobs; a job belongs to one of them at a time, through its lease.
 */
export function startBulkWorker(runtime: Omit<BulkRuntime, 'stopping'>, options: BulkWorkerOptions): BulkWorker {
  let stopping = false;
  const stop = new AbortController();
  // Set by wake(); the idle sleep ends early, and a wake-up during a job makes the next look immediate.
  let woken = false;
  let nap: AbortController | null = null;
  const full: BulkRuntime = { ...runtime, stopping: () => stopping };

  const runOne = async (): Promise<boolean> => {
    const taken = await takeNextJob(runtime);
    if (!taken) return false;
    const { claim, operation } = taken;
    if (!operation) return true;
    try {
      if (operation.kind === 'import') await runImport(full, claim, operation);
      else await runExport(full, claim, operation);
    } catch (error) {
      runtime.logger.error({ err: error, operationId: operation.id }, 'a bulk job failed unexpectedly');
      const finished = await runtime.queue.finish(claim, { status: 'failed', error: 'The job failed unexpectedly; see the gateway log' }).catch(() => null);
      await announce(full, finished).catch(() => undefined);
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
      if (worked || stopping) continue;
      if (woken) {
        woken = false;
        continue;
      }
      nap = new AbortController();
      await sleep(options.pollMs, undefined, { signal: AbortSignal.any([stop.signal, nap.signal]) }).catch(() => undefined);
      nap = null;
      woken = false;
    }
  })();

  return {
    wake() {
      woken = true;
      nap?.abort();
    },
    async stop() {
      stopping = true;
      stop.abort();
      await loop;
    },
  };
}
