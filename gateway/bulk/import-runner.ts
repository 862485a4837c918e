import { contractCodeOf } from '../../core/errors/errors.ts';
import { retryAfterSecondsOf } from '../../core/errors/failure-class.ts';
import type { Principal } from '../../core/identity/principal.ts';
import type { BulkOperation } from '../../prisma/generated/client.ts';
import { bulkEvent, type BulkEventSource } from '../../core/events/bulk-event.ts';
import { batchSizeWithin } from './batch-document.ts';
import { batchRunner } from './batch-execution.ts';
import type { ClaimedOperation } from './bulk-queue.ts';
import { BULK_CLIENT_ADDRESS, type BulkRuntime } from './bulk-runtime.ts';
import { resolveMutationTarget, type MutationTarget } from './mutation-target.ts';

/**
 * Runs a claimed import batch by batch as its uploader: each batch is counted
 * once against the uploader's rate limit (a refusal gives the job back until the
 * window allows), executed through the gateway's own executor with their
 * identity, then recorded with the job's progress in one statement and
 * announced. Returns when the job is done, cancelled, lost or the gateway stops.
 */
export async function runImport(runtime: BulkRuntime, claim: ClaimedOperation, operation: BulkOperation): Promise<void> {
  const principal = operation.principal as unknown as Principal;
  let target: MutationTarget;
  try {
    target = resolveMutationTarget(runtime.schema(), operation.mutation ?? '', (operation.mapping ?? {}) as Record<string, unknown>);
  } catch (error) {
    await announce(runtime, await runtime.queue.finish(claim, { status: 'failed', error: `The mutation no longer fits the supergraph: ${(error as Error).message}` }));
    return;
  }
  const size = batchSizeWithin(target, runtime.batchSize, runtime.maxTokens);
  const runBatch = batchRunner(runtime, operation, principal, target);
  for (;;) {
    if (runtime.stopping()) return runtime.queue.release(claim);
    const verdict = await runtime.rateLimit(principal, BULK_CLIENT_ADDRESS);
    if (verdict.refusal) {
      const seconds = retryAfterSecondsOf(contractCodeOf(verdict.refusal), verdict.refusal.extensions) ?? 1;
      return runtime.queue.release(claim, seconds * 1000);
    }
    const rows = await runtime.queue.claimRows(claim, size);
    if (rows.length === 0) {
      await announce(runtime, await runtime.queue.finish(claim));
      return;
    }
    const outcomes = await runBatch(rows);
    const recorded = await runtime.queue.record(claim, outcomes);
    if (recorded === null) return;
    await runtime.publish(bulkEvent(recorded));
    if (recorded.status !== 'running') return runtime.queue.release(claim);
  }
}

/** Publishes a job's status change as the statement that made it returned it, and queues its webhook deliveries; null (no change) does nothing. */
export async function announce(runtime: Pick<BulkRuntime, 'publish' | 'recordStatusChange'>, changed: BulkEventSource | null): Promise<void> {
  if (!changed) return;
  const event = bulkEvent(changed);
  await runtime.recordStatusChange(event);
  await runtime.publish(event);
}
