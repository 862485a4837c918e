import { classifyFailure } from '../../core/errors/failure-class.ts';
import type { UsageRecord, UsageSink } from './usage-record.ts';

/** Usage records of client requests, buffered at the edge and written in batches. */
export type UsageConfig =
  | { readonly recording: 'off' }
  | {
      readonly recording: 'on';
      readonly batchSize: number;
      readonly flushIntervalMs: number;
      readonly maxBuffered: number;
      readonly shutdownTimeoutMs: number;
    };

/** Why records were lost: the buffer was at its bound, the database refused their content, or shutdown's deadline passed. */
export type UsageDropReason = 'buffer-full' | 'refused' | 'shutdown';

export interface UsageRecorderOptions {
  readonly sink: UsageSink;
  /** A batch is written once this many records wait. @default 500 */
  readonly batchSize?: number;
  /** Waiting records are written at least this often. @default 1000 */
  readonly flushIntervalMs?: number;
  /** Records held at most, including batches waiting to be retried; beyond it new ones are dropped and counted. @default 50000 */
  readonly maxBuffered?: number;
  /**
   * At shutdown, how long failed writes are retried (a database on its way back)
   * before what is still unwritten, a write in flight included, is dropped and counted.
   * @default 10000
   */
  readonly closeTimeoutMs?: number;
  /** Told of a batch that could not be written; it stays buffered and is retried on the next flush. @default no-op */
  readonly onFlushError?: (error: unknown, records: number) => void;
  /** Told of every record lost, as it is counted in `dropped()`. @default no-op */
  readonly onDropped?: (records: number, reason: UsageDropReason) => void;
  /**
   * Whether a failed write may succeed later (the database down or slow) rather
   * than never (it refused the records' content). A refused batch is written one
   * record at a time and only the refused records are dropped and counted.
   * @default every failure is retried
   */
  readonly retryable?: (error: unknown) => boolean;
}

export interface UsageRecorder {
  /** Never waits and never throws: the request path only appends to a buffer. */
  record(record: UsageRecord): void;
  /** Writes everything buffered now. */
  flush(): Promise<void>;
  /** Records waiting to be written. */
  buffered(): number;
  /** Records lost since start, each for a reason of UsageDropReason: every record is written or counted here. */
  dropped(): number;
  /** Stops the timer and writes what is left, retrying until the shutdown deadline (shutdown). */
  close(): Promise<void>;
}

/** Resolves with the work's result, or 'late' once `ms` have passed. */
function within<T>(work: Promise<T>, ms: number): Promise<T | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * Buffers usage records and writes them in batches, so the hot path never waits
 * on the database. One write at a time keeps the database's load bounded; while
 * a write runs, new records wait in the buffer, which is bounded too. Every
 * record handed in is written or counted in `dropped()`: none is lost unseen.
 */
export function usageRecorder(options: UsageRecorderOptions): UsageRecorder {
  const batchSize = options.batchSize ?? 500;
  const maxBuffered = options.maxBuffered ?? 50_000;
  const flushIntervalMs = options.flushIntervalMs ?? 1_000;
  const closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
  let buffer: UsageRecord[] = [];
  /** Records of the write under way: taken from the buffer, not yet written or counted. */
  let inFlight = 0;
  let dropped = 0;
  let writing: Promise<boolean> | null = null;
  /** Set once shutdown counted what was left: later outcomes of an abandoned write change nothing. */
  let closed = false;

  // Hooks only report: one that throws (a logger, a classifier) must not cost the records it reports on.
  const report = (hook: () => void): void => {
    try {
      hook();
    } catch {
      // Nothing to do: the records are kept or counted whatever the hook did.
    }
  };
  const retryable = (error: unknown): boolean => {
    try {
      return options.retryable?.(error) ?? true;
    } catch {
      return true;
    }
  };
  const drop = (records: number, reason: UsageDropReason): void => {
    if (records <= 0) return;
    dropped += records;
    report(() => options.onDropped?.(records, reason));
  };

  /** Unwritten records go back to the head of the buffer; beyond the bound the newest go. */
  const putBack = (records: readonly UsageRecord[]): void => {
    if (closed) return;
    buffer = [...records, ...buffer];
    if (buffer.length > maxBuffered) {
      drop(buffer.length - maxBuffered, 'buffer-full');
      buffer.length = maxBuffered;
    }
  };

  /** Writes each record alone; resolves with what is left unwritten if the database went away meanwhile. */
  const writeOneByOne = async (batch: readonly UsageRecord[]): Promise<readonly UsageRecord[]> => {
    for (const [index, single] of batch.entries()) {
      try {
        await options.sink([single]);
      } catch (error) {
        if (retryable(error)) return batch.slice(index);
        if (!closed) drop(1, 'refused');
      }
      inFlight -= 1;
    }
    return [];
  };

  /** Resolves false when a write failed; its records are back at the head of the buffer for the next flush. */
  const writeOnce = async (): Promise<boolean> => {
    while (buffer.length > 0) {
      const batch = buffer.slice(0, batchSize);
      buffer = buffer.slice(batch.length);
      inFlight = batch.length;
      let unwritten: readonly UsageRecord[] = [];
      try {
        await options.sink(batch);
      } catch (error) {
        report(() => options.onFlushError?.(error, batch.length));
        // Retrying what the database refuses would block every record behind it, forever;
        // a database outage must not cost the records of requests already answered.
        unwritten = retryable(error) ? batch : await writeOneByOne(batch);
      } finally {
        inFlight = 0;
      }
      if (unwritten.length > 0) {
        putBack(unwritten);
        return false;
      }
    }
    return true;
  };
  const flush = (): Promise<boolean> => {
    writing ??= writeOnce().finally(() => {
      writing = null;
    });
    return writing;
  };

  const timer = setInterval(() => void flush(), flushIntervalMs);
  timer.unref();

  return {
    record(record) {
      // Nothing writes after shutdown: a record arriving then is lost, and counted.
      if (closed) return drop(1, 'shutdown');
      if (buffer.length >= maxBuffered) return drop(1, 'buffer-full');
      buffer.push(record);
      if (buffer.length >= batchSize && !writing) void flush();
    },
    async flush() {
      // A write in progress may have left records behind it; one more pass takes them.
      // After a failure the next attempt waits for the timer (or the next flush call).
      if ((await flush()) && buffer.length > 0) await flush();
    },
    buffered: () => buffer.length,
    dropped: () => dropped,
    async close() {
      clearInterval(timer);
      // The last chance to write: a failed write is retried until the deadline, not given up at once.
      const deadline = performance.now() + closeTimeoutMs;
      const retryEveryMs = Math.min(flushIntervalMs, 250);
      while (!closed && (buffer.length > 0 || writing)) {
        const outcome = await within(flush(), deadline - performance.now());
        const left = deadline - performance.now();
        if (outcome === 'late' || left <= 0) break;
        if (outcome === false) await new Promise((resolve) => setTimeout(resolve, Math.min(retryEveryMs, left)));
      }
      // What is still unwritten, a write that has not answered included, is lost with the process: counted.
      const lost = closed ? 0 : buffer.length + inFlight;
      closed = true;
      buffer = [];
      drop(lost, 'shutdown');
    },
  };
}

/** USAGE_RECORDING=off: nothing is kept (for measuring what recording costs). */
export function disabledUsageRecorder(): UsageRecorder {
  return { record() {}, flush: async () => {}, buffered: () => 0, dropped: () => 0, close: async () => {} };
}

/** A write the database refused for its content (22P02 and kin: a client-mistake failure) will never succeed. */
export const retryableUsageWrite = (error: unknown): boolean => classifyFailure(error).kind !== 'client-mistake';
