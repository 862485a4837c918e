import { describe, expect, it } from 'vitest';
import { getHeapSpaceStatistics } from 'node:v8';
import { IDLE_HEAP_RELEASE_DEFAULTS, shouldReleaseYoungGeneration, startIdleHeapRelease, v8HeapDeps } from '../../gateway/app/idle-heap-release.ts';

const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('when the young generation is handed back', () => {
  const options = IDLE_HEAP_RELEASE_DEFAULTS;

  it('releases only when the loop was idle and new space is above its floor', () => {
    expect(shouldReleaseYoungGeneration({ utilization: 0.02, youngCommittedBytes: 128 * MiB }, options)).toBe(true);
    // Busy: the large young generation is what the flag is for.
    expect(shouldReleaseYoungGeneration({ utilization: 0.6, youngCommittedBytes: 128 * MiB }, options)).toBe(false);
    // Already small: a scavenge would gain nothing.
    expect(shouldReleaseYoungGeneration({ utilization: 0.01, youngCommittedBytes: 2 * MiB }, options)).toBe(false);
  });

  it('asks for one minor GC per idle interval and none while busy, with this process’s own readings', async () => {
    const real = v8HeapDeps();
    let utilization = 0.9;
    let gcs = 0;
    const release = startIdleHeapRelease(
      { ...options, intervalMs: 50, minYoungBytes: 0 },
      {
        minorGc: () => {
          gcs += 1;
          real.minorGc();
        },
        youngCommittedBytes: real.youngCommittedBytes,
        utilizationSinceLast: () => utilization,
      },
    );
    try {
      await sleep(300);
      expect(gcs).toBe(0);
      utilization = 0;
      await sleep(300);
      expect(gcs).toBeGreaterThan(0);
      expect(release.releases()).toBe(gcs);
    } finally {
      release.stop();
    }
  });

  it('reads the process’s new space and event-loop utilisation, and its gc function works without --expose-gc', () => {
    const real = v8HeapDeps();
    const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    expect(real.youngCommittedBytes()).toBe(young?.physical_space_size);
    const utilization = real.utilizationSinceLast();
    expect(utilization).toBeGreaterThanOrEqual(0);
    expect(utilization).toBeLessThanOrEqual(1);
    expect(() => real.minorGc()).not.toThrow();
    // The flag is off again: contexts made later get no gc of their own.
    expect(typeof (globalThis as { gc?: unknown }).gc).toBe(process.execArgv.includes('--expose-gc') ? 'function' : 'undefined');
  });
});
