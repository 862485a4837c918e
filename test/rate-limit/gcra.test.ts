import { describe, expect, it } from 'vitest';
import { gcraDecide, type RateWindow, type Tat } from '../../core/rate-limit/gcra.ts';

const T0 = 1_750_000_000_123;

/** Runs decisions at the given instants, carrying the state along. */
function run(windows: readonly RateWindow[], times: readonly number[], cost = 1) {
  let tats: readonly (Tat | undefined)[] = [];
  return times.map((now) => {
    const outcome = gcraDecide(windows, tats, now, cost);
    tats = outcome.tats;
    return outcome;
  });
}

const burst = (n: number, now = T0) => Array.from({ length: n }, () => now);

describe('GCRA', () => {
  it('admits exactly the limit from a fresh state, however the emission interval divides', () => {
    for (const [limit, windowMs] of [
      [7, 60_000],
      [3, 1_000],
      [20, 60_000],
      [100, 3_600_000],
      [9_999, 3_600_000],
      [100_000, 3_600_000],
      [13, 997],
    ] as const) {
      const outcomes = run([{ name: 'w', limit, windowMs }], burst(limit + 2));
      expect(outcomes.filter((o) => o.allowed), `${limit}/${windowMs}`).toHaveLength(limit);
      expect(outcomes.at(-1)?.windows[0]?.remaining).toBe(0);
    }
  });

  it('counts down remaining and reports when the window is full again', () => {
    const [first, second] = run([{ name: 'minute', limit: 4, windowMs: 60_000 }], [T0, T0]);
    expect(first?.windows[0]).toEqual({ name: 'minute', limit: 4, windowMs: 60_000, remaining: 3, resetMs: 15_000, retryAfterMs: 0 });
    expect(second?.windows[0]).toMatchObject({ remaining: 2, resetMs: 30_000 });
  });

  it('refuses with the exact wait for one emission interval, and admits one request after it', () => {
    const w = { name: 'w', limit: 3, windowMs: 900 };
    const outcomes = run([w], [T0, T0, T0, T0, T0 + 299, T0 + 300, T0 + 300]);
    expect(outcomes.map((o) => o.allowed)).toEqual([true, true, true, false, false, true, false]);
    expect(outcomes[3]?.retryAfterMs).toBe(300);
    expect(outcomes[4]?.retryAfterMs).toBe(1);
    expect(outcomes[6]?.retryAfterMs).toBe(300);
  });

  it('changes no window when any window refuses', () => {
    const windows = [
      { name: 'minute', limit: 2, windowMs: 1_000 },
      { name: 'hour', limit: 5, windowMs: 10_000 },
    ];
    const first = gcraDecide(windows, [], T0);
    const second = gcraDecide(windows, first.tats, T0);
    const refused = gcraDecide(windows, second.tats, T0);
    expect(refused.allowed).toBe(false);
    expect(refused.tats).toEqual(second.tats);
    expect(refused.windows.map((w) => [w.name, w.remaining, w.retryAfterMs > 0])).toEqual([
      ['minute', 0, true],
      ['hour', 3, false],
    ]);
  });

  it('waits for the slowest refusing window', () => {
    const windows = [
      { name: 'minute', limit: 1, windowMs: 1_000 },
      { name: 'hour', limit: 1, windowMs: 5_000 },
    ];
    const [, refused] = run(windows, [T0, T0 + 10]);
    expect(refused?.retryAfterMs).toBe(4_990);
    expect(refused?.windows.map((w) => w.retryAfterMs)).toEqual([990, 4_990]);
  });

  it('charges a cost in every window, and refuses a cost that does not fit', () => {
    const windows = [{ name: 'w', limit: 5, windowMs: 1_000 }];
    const outcomes = run(windows, [T0, T0, T0], 2);
    expect(outcomes.map((o) => [o.allowed, o.windows[0]?.remaining])).toEqual([
      [true, 3],
      [true, 1],
      [false, 1],
    ]);
    expect(gcraDecide(windows, outcomes[2]?.tats ?? [], T0, 1).allowed).toBe(true);
  });

  it('refuses a cost above the limit even from a fresh state, with a positive wait', () => {
    const outcome = gcraDecide([{ name: 'w', limit: 2, windowMs: 1_000 }], [], T0, 3);
    expect(outcome.allowed).toBe(false);
    expect(outcome.retryAfterMs).toBeGreaterThanOrEqual(1);
  });

  it('forgets nothing before the state is idle and everything after', () => {
    const windows = [
      { name: 'minute', limit: 2, windowMs: 1_000 },
      { name: 'hour', limit: 10, windowMs: 10_000 },
    ];
    const [first] = run(windows, [T0]);
    expect(first?.idleAfterMs).toBe(1_000);
    const later = gcraDecide(windows, first?.tats ?? [], T0 + 1_000);
    expect(later.windows.map((w) => w.remaining)).toEqual([1, 9]);
  });

  it('sustains exactly the configured rate over many windows', () => {
    const w = { name: 'w', limit: 7, windowMs: 1_000 };
    // One attempt every millisecond for 10 s: the burst of 7, then one per 1000/7 ms
    // (the k-th at ceil(k * 1000 / 7) ms, for k up to 69).
    const outcomes = run([w], Array.from({ length: 10_000 }, (_, i) => T0 + i));
    expect(outcomes.filter((o) => o.allowed)).toHaveLength(7 + 69);
  });

  it('rejects windows the integer arithmetic cannot serve', () => {
    expect(() => gcraDecide([], [], T0)).toThrow(RangeError);
    expect(() => gcraDecide([{ name: 'w', limit: 0, windowMs: 1_000 }], [], T0)).toThrow(/positive integer/);
    expect(() => gcraDecide([{ name: 'w', limit: 1.5, windowMs: 1_000 }], [], T0)).toThrow(/positive integer/);
    expect(() => gcraDecide([{ name: 'w', limit: 1, windowMs: 1_000 }], [], T0, 0)).toThrow(/cost/);
    expect(() =>
      gcraDecide(
        [
          { name: 'w', limit: 1, windowMs: 1_000 },
          { name: 'w', limit: 2, windowMs: 1_000 },
        ],
        [],
        T0,
      ),
    ).toThrow(/twice/);
  });
});
