import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Hands V8's young generation back once the gateway is quiet.
 *
 * `npm start` runs node with `--max-semi-space-size=64`: under load V8 then
 * scavenges a quarter as often (GC was 14–19 % of busy CPU without it, see
 * bench/README.md). Start-up and load grow new space to 2 × 64 MiB, and V8
 * shrinks it only at a scavenge that finds the allocation rate low (under
 * 1 KB/ms over its last samples). An idle gateway allocates so little that the
 * next scavenge is minutes away, so those 128 MiB stayed resident: most of the
 * gap between the idle RSS and its budget. When the event loop has been idle
 * for a whole interval and new space holds more than `minYoungBytes`, one minor
 * GC is asked for; V8 sees the low rate and shrinks new space to its floor. A
 * busy loop never asks, so the throughput setting is untouched under load.
 */
export interface IdleHeapReleaseOptions {
  /**
   * How often the loop's utilisation is looked at. V8's rate estimate still holds
   * start-up's allocations for a while (new space shrank about 10 s after ready with
   * 2 s, about 20 s with 5 s); an idle scavenge costs about a millisecond.
   */
  readonly intervalMs: number;
  /** Event-loop utilisation (0–1) over the last interval at or under which the process counts as idle. */
  readonly maxUtilization: number;
  /** New space committed above which a release is worth a scavenge. */
  readonly minYoungBytes: number;
}

export const IDLE_HEAP_RELEASE_DEFAULTS: IdleHeapReleaseOptions = { intervalMs: 2_000, maxUtilization: 0.1, minYoungBytes: 8 * 1024 * 1024 };

export interface HeapReadings {
  /** Event-loop utilisation over the interval just ended. */
  readonly utilization: number;
  readonly youngCommittedBytes: number;
}

export function shouldReleaseYoungGeneration(readings: HeapReadings, options: IdleHeapReleaseOptions): boolean {
  return readings.utilization <= options.maxUtilization && readings.youngCommittedBytes > options.minYoungBytes;
}

export interface IdleHeapReleaseDeps {
  /** Asks V8 for a minor GC (scavenge). */
  readonly minorGc: () => void;
  readonly youngCommittedBytes: () => number;
  /** Event-loop utilisation since the previous call. */
  readonly utilizationSinceLast: () => number;
}

export interface IdleHeapRelease {
  /** Minor GCs asked for so far. */
  readonly releases: () => number;
  stop(): void;
}

export function startIdleHeapRelease(options: IdleHeapReleaseOptions = IDLE_HEAP_RELEASE_DEFAULTS, deps: IdleHeapReleaseDeps = v8HeapDeps()): IdleHeapRelease {
  let releases = 0;
  deps.utilizationSinceLast();
  const timer = setInterval(() => {
    const readings = { utilization: deps.utilizationSinceLast(), youngCommittedBytes: deps.youngCommittedBytes() };
    if (!shouldReleaseYoungGeneration(readings, options)) return;
    deps.minorGc();
    releases += 1;
  }, options.intervalMs);
  // Never what keeps the process alive.
  timer.unref();
  return { releases: () => releases, stop: () => clearInterval(timer) };
}

type GcFunction = (options?: { type?: 'minor' | 'major' }) => void;

/** The process's own V8: its gc function, its new space, its event loop. */
export function v8HeapDeps(): IdleHeapReleaseDeps {
  const gc = gcFunction();
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  return {
    minorGc: () => gc({ type: 'minor' }),
    youngCommittedBytes: () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.physical_space_size ?? 0,
    utilizationSinceLast: () => {
      const now = performance.eventLoopUtilization();
      const delta = performance.eventLoopUtilization(now, last);
      last = now;
      return delta.utilization;
    },
  };
}

/**
 * node's `gc` without exposing it to the gateway's own code: with --expose-gc set
 * for a moment, a fresh context gets the function (the way Jest reads it), and
 * the flag is turned off again so later contexts do not.
 */
function gcFunction(): GcFunction {
  const exposed = (globalThis as { gc?: GcFunction }).gc;
  if (typeof exposed === 'function') return exposed;
  setFlagsFromString('--expose-gc');
  try {
    return runInNewContext('gc') as GcFunction;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}
