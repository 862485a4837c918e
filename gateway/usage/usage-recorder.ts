import { classifyFailure } from '../../core/errors/failure-class.ts';
import type { UsageRecord, UsageSink } from './usage-record.ts';

/** Usage records of client requests, buffered at the edge and written in batches. */
export type UsageConfig =
  | { readonly recording: 'off' }
  | { readonly recording: 'on'; readonly batchSize: number; readonly flushIntervalMs: number; readonly maxBuffered: number };

export interface UsageRecorderOptions {
  readonly sink: UsageSink;
  /** A batch is written once this many records wait. @default 500 */
  readonly batchSize?: number;
  /** Waiting records are written at least this often. @default 1000 */
  readonly flushIntervalMs?: number;
  /** Records held at most, including batches waiting to be retried; beyond it new ones are dropped and counted. @default 50000 */
  readonly maxBuffered?: number;
  /** Told of a batch that could not be written; it stays buffered and is retried on the next flush. @default no-op */
  readonly onFlushError?: (error: unknown, records: number) => void;
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
  /** Records lost since start: the buffer was full, or a write still failed at shutdown. */
  dropped(): number;
  /** Stops the timer and writes what is left (shutdown). */
  close(): Promise<void>;
}

/**
 * Buffers usage records and writes them in batches, so the hot path never waits
 * on the database. One write at a time keeps the database's load bounded; while
 * a write runs, new records wait in the buffer, which is bounded too.
 */
export function usageRecorder(options: UsageRecorderOptions): UsageRecorder {
  const batchSize = options.batchSize ?? 500;
  const maxBuffered = options.maxBuffered ?? 50_000;
  const onFlushError = options.onFlushError ?? (() => {});
  const retryable = options.retryable ?? (() => true);
  let buffer: UsageRecord[] = [];
  let dropped = 0;
  let writing: Promise<boolean> | null = null;

  /** Writes each record alone; resolves with how many the database refused. */
  const writeOneByOne = async (batch: readonly UsageRecord[]): Promise<number> => {
    let refused = 0;
    for (const single of batch) await options.sink([single]).catch(() => (refused += 1));
    return refused;
  };

  /** Resolves false when a write failed; the batch is back at the head of the buffer for the next flush. */
  const writeOnce = async (): Promise<boolean> => {
    while (buffer.length > 0) {
      const batch = buffer.slice(0, batchSize);
      buffer = buffer.slice(batch.length);
      try {
        await options.sink(batch);
      } catch (error) {
        onFlushError(error, batch.length);
        // Retrying what the database refuses would block every record behind it, forever.
        if (!retryable(error)) {
          dropped += await writeOneByOne(batch);
          continue;
        }
        // A database outage must not cost the records of requests already answered:
        // only the bound decides what is lost, and the newest go first.
        buffer = [...batch, ...buffer];
        if (buffer.length > maxBuffered) {
          dropped += buffer.length - maxBuffered;
          buffer.length = maxBuffered;
        }
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

  const timer = setInterval(() => void flush(), options.flushIntervalMs ?? 1_000);
  timer.unref();

  return {
    record(record) {
      if (buffer.length >= maxBuffered) {
        dropped += 1;
        return;
      }
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
      await this.flush();
      // The process is going away: what still could not be written is lost, and counted.
      dropped += buffer.length;
      buffer = [];
    },
  };
}

/** USAGE_RECORDING=off: nothing is kept (for measuring what recording costs). */
export function disabledUsageRecorder(): UsageRecorder {
  return { record() {}, flush: async () => {}, buffered: () => 0, dropped: () => 0, close: async () => {} };
}

/** A write the database refused for its content (22P02 and kin: a client-mistake failure) will never succeed. */
export const retryableUsageWrite = (error: unknown): boolean => classifyFailure(error).kind !== 'client-mistake';
