import { describe, expect, it } from 'vitest';
import { HOUR_MS, MINUTE_MS, rateLimitResolver } from '../../core/rate-limit/limits.ts';

const limits = (windows: readonly { name: string; limit: number; windowMs: number }[]) =>
  windows.map((w) => [w.name, w.limit, w.windowMs]);

describe('rate-limit resolver', () => {
  it('defaults to the contract table, minute then hour', () => {
    const resolver = rateLimitResolver();
    expect(limits(resolver.windowsFor('free'))).toEqual([
      ['minute', 20, MINUTE_MS],
      ['hour', 100, HOUR_MS],
    ]);
    expect(limits(resolver.windowsFor('admin'))).toEqual([
      ['minute', 10_000, MINUTE_MS],
      ['hour', 100_000, HOUR_MS],
    ]);
  });

  it('lets configuration replace either limit of a tier', () => {
    const resolver = rateLimitResolver({ tiers: { pro: { perHour: 5_000 }, free: { perMinute: 5, perHour: undefined } } });
    expect(limits(resolver.windowsFor('pro'))).toEqual([
      ['minute', 200, MINUTE_MS],
      ['hour', 5_000, HOUR_MS],
    ]);
    expect(resolver.windowsFor('free').map((w) => w.limit)).toEqual([5, 100]);
    expect(resolver.windowsFor('enterprise').map((w) => w.limit)).toEqual([1_000, 10_000]);
  });

  it("lets a key's own limits replace its tier's, null meaning the tier's", () => {
    const resolver = rateLimitResolver({ tiers: { free: { perMinute: 10 } } });
    expect(resolver.windowsFor('free', { perMinute: 50, perHour: null }).map((w) => w.limit)).toEqual([50, 100]);
    expect(resolver.windowsFor('free', { perMinute: null, perHour: 7 }).map((w) => w.limit)).toEqual([10, 7]);
    expect(resolver.windowsFor('free', { perMinute: null, perHour: null })).toBe(resolver.windowsFor('free'));
    expect(resolver.windowsFor('free', null)).toBe(resolver.windowsFor('free'));
  });

  it('fails at start on a limit that is not a positive integer, naming it', () => {
    expect(() => rateLimitResolver({ tiers: { pro: { perMinute: 0 } } })).toThrow(/pro\.perMinute/);
    expect(() => rateLimitResolver({ tiers: { free: { perHour: 2.5 } } })).toThrow(/free\.perHour/);
    expect(() => rateLimitResolver().windowsFor('free', { perMinute: -1, perHour: null })).toThrow(/key perMinute/);
  });
});
