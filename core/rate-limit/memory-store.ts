import { gcraDecide, type RateWindow, type Tat } from './gcra.ts';
import type { RateDecision, RateLimitStore } from './store.ts';

export interface MemoryRateLimitStoreOptions {
  /**
   * Milliseconds since the epoch, as an integer; injectable so tests control time.
   * @default Date.now
   */
  readonly now?: () => number;
  /**
   * How often idle keys are swept out. A key is idle once all its windows are back
   * to full capacity, so memory stays bounded by the principals active in the
   * longest window.
   * @default 60_000
   */
  readonly sweepIntervalMs?: number;
}

export interface MemoryRateLimitStore extends RateLimitStore {
  /** Keys currently held, idle ones not yet swept included. */
  size(): number;
}

interface Entry {
  /** By window name, as the Redis store keeps one hash field per window. */
  readonly tats: Map<string, Tat>;
  idleAtMs: number;
}

/** Rate-limit state for a single gateway process. */
export function memoryRateLimitStore(options: MemoryRateLimitStoreOptions = {}): MemoryRateLimitStore {
  const now = options.now ?? Date.now;
  const sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
  const entries = new Map<string, Entry>();
  // Swept on the request path rather than by a timer: nothing to unref or leak in tests.
  let nextSweepAtMs = now() + sweepIntervalMs;

  function sweep(nowMs: number): void {
    if (nowMs < nextSweepAtMs) return;
    nextSweepAtMs = nowMs + sweepIntervalMs;
    for (const [key, entry] of entries) if (entry.idleAtMs <= nowMs) entries.delete(key);
  }

  return {
    async consume(key: string, windows: readonly RateWindow[], cost = 1): Promise<RateDecision> {
      const nowMs = now();
      sweep(nowMs);
      let entry = entries.get(key);
      if (entry !== undefined && entry.idleAtMs <= nowMs) {
        entries.delete(key);
        entry = undefined;
      }
      const outcome = gcraDecide(windows, windows.map((w) => entry?.tats.get(w.name)), nowMs, cost);
      if (outcome.allowed) {
        const kept: Entry = entry ?? { tats: new Map(), idleAtMs: 0 };
        windows.forEach((w, i) => {
          const tat = outcome.tats[i];
          if (tat !== undefined) kept.tats.set(w.name, tat);
        });
        // Like PEXPIRE in Redis: the whole key lives as long as its current windows need.
        kept.idleAtMs = nowMs + outcome.idleAfterMs;
        entries.set(key, kept);
      }
      return { allowed: outcome.allowed, windows: outcome.windows, retryAfterMs: outcome.retryAfterMs };
    },
    size: () => entries.size,
    async close(): Promise<void> {
      entries.clear();
    },
  };
}
