import { describe, expect, it } from 'vitest';
import type { WindowState } from '../../core/rate-limit/gcra.ts';
import { mostRestrictiveWindow, rateLimitHeaders } from '../../gateway/rate-limit/headers.ts';

const NOW_MS = 1_750_000_000_400;

const state = (name: string, limit: number, windowMs: number, remaining: number, resetMs: number, retryAfterMs = 0): WindowState => ({
  name,
  limit,
  windowMs,
  remaining,
  resetMs,
  retryAfterMs,
});

describe('rate-limit headers', () => {
  it('describes the window with the fewest remaining, and every policy', () => {
    const headers = rateLimitHeaders(
      { allowed: true, retryAfterMs: 0, windows: [state('minute', 20, 60_000, 19, 3_000), state('hour', 100, 3_600_000, 5, 3_420_000)] },
      { nowMs: NOW_MS },
    );
    expect(headers).toEqual({
      'X-RateLimit-Limit': '100',
      'X-RateLimit-Remaining': '5',
      'X-RateLimit-Reset': String(Math.ceil((NOW_MS + 3_420_000) / 1000)),
      'RateLimit-Policy': '"minute";q=20;w=60, "hour";q=100;w=3600',
      RateLimit: '"hour";r=5;t=3420',
    });
  });

  it('breaks a tie in remaining towards the longer window', () => {
    const minute = state('minute', 20, 60_000, 4, 48_000);
    const hour = state('hour', 20, 3_600_000, 4, 2_880_000);
    expect(mostRestrictiveWindow([minute, hour]).name).toBe('hour');
    expect(mostRestrictiveWindow([hour, minute]).name).toBe('hour');
  });

  it('adds Retry-After in whole seconds, rounded up and at least 1, on refusal', () => {
    const refused = (retryAfterMs: number) =>
      rateLimitHeaders(
        { allowed: false, retryAfterMs, windows: [state('minute', 20, 60_000, 0, 60_000, retryAfterMs)] },
        { nowMs: NOW_MS },
      );
    expect(refused(2_001)['Retry-After']).toBe('3');
    expect(refused(3_000)['Retry-After']).toBe('3');
    expect(refused(1)['Retry-After']).toBe('1');
    expect(refused(0)['Retry-After']).toBe('1');
    expect(refused(2_001)['RateLimit']).toBe('"minute";r=0;t=60');
  });

  it('rounds sub-second windows up to the whole seconds the draft requires, and quotes names', () => {
    const headers = rateLimitHeaders({ allowed: true, retryAfterMs: 0, windows: [state('a "b"', 3, 300, 2, 100)] }, { nowMs: NOW_MS });
    expect(headers['RateLimit-Policy']).toBe('"a \\"b\\"";q=3;w=1');
    expect(headers['RateLimit']).toBe('"a \\"b\\"";r=2;t=1');
    expect(headers['Retry-After']).toBeUndefined();
  });
});
