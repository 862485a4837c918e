import type { AttemptEntry, RecordedAttempt } from './delivery-types.ts';

export interface AttemptBatcherOptions {
  /** Writes a batch; one result per entry, in order (attempt-recording.ts). */
  readonly recordMany: (entries: readonly AttemptEntry[]) => Promise<RecordedAttempt[]>;
  /** The most attempts one statement carries. */
  readonly maxBatch: number;
}

export interface AttemptBatcher {
  /** Resolves once the attempt is written (or known not to be: its claim lapsed). */
  record(entry: AttemptEntry): Promise<RecordedAttempt>;
}

interface Waiting {
  readonly entry: AttemptEntry;
  readonly resolve: (recorded: RecordedAttempt) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit for attempts: one write at a time, and what finishes while it runs
 * goes in the next one, so under load a write carries every attempt completed
 * during the previous write and a quiet worker still writes each attempt at
 * once. The first write waits for the turn of the event loop (setImmediate), so
 * responses read in the same I/O phase share it. Nothing is acknowledged before
 * its statement commits: a crash loses only unrecorded attempts, whose claims
 * lapse and are sent again with the same webhook-id, as before batching.
 * A batch that fails is retried one attempt at a time, so one row the database
 * rejects cannot keep the others from being recorded.
 */
export function attemptBatcher(options: AttemptBatcherOptions): AttemptBatcher {
  const queued: Waiting[] = [];
  let writing = false;

  const settle = async (batch: readonly Waiting[]) => {
    try {
      const results = await options.recordMany(batch.map((waiting) => waiting.entry));
      batch.forEach((waiting, index) => waiting.resolve(results[index] ?? { recorded: false, failingSince: null }));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      for (const waiting of batch) await settle([waiting]);
    }
  };

  const drain = async () => {
    while (queued.length > 0) await settle(queued.splice(0, options.maxBatch));
    writing = false;
  };

  return {
    record(entry) {
      return new Promise<RecordedAttempt>((resolve, reject) => {
        queued.push({ entry, resolve, reject });
        if (writing) return;
        writing = true;
        setImmediate(() => void drain());
      });
    },
  };
}
