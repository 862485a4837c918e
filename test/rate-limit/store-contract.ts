import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rateLimitHeaders } from '../../gateway/rate-limit/headers.ts';
import { rateLimitResolver } from '../../core/rate-limit/limits.ts';
import type { RateDecision, RateLimitStore, RateWindow } from '../../core/rate-limit/store.ts';

/** Timing slack for sleeps against a store whose clock may be another process's. */
const SLACK_MS = 40;

const window = (name: string, limit: number, windowMs: number): RateWindow => ({ name, limit, windowMs });

/**
 * The behaviour every RateLimitStore must show, run against each implementation.
 * `makeStore` is called once per test; keys are unique per test.
 */
export function rateLimitContract(name: string, makeStore: () => RateLimitStore | Promise<RateLimitStore>): void {
  describe(`${name} rate-limit store contract`, () => {
    let store: RateLimitStore;
    let key: string;
    beforeEach(async () => {
      store = await makeStore();
      key = `principal-${randomUUID()}`;
    });
    afterEach(async () => {
      await store.close();
    });

    async function consumeMany(n: number, windows: readonly RateWindow[], cost = 1, k = key): Promise<RateDecision[]> {
      const decisions: RateDecision[] = [];
      for (let i = 0; i < n; i += 1) decisions.push(await store.consume(k, windows, cost));
      return decisions;
    }
    const admitted = (decisions: readonly RateDecision[]): number => decisions.filter((d) => d.allowed).length;

    it('admits exactly the limit among 3 x limit concurrent requests', async () => {
      const windows = [window('minute', 10, 60_000), window('hour', 1_000, 3_600_000)];
      const decisions = await Promise.all(Array.from({ length: 30 }, () => store.consume(key, windows)));
      expect(admitted(decisions)).toBe(10);
      const remaining = decisions.filter((d) => d.allowed).map((d) => d.windows[0]?.remaining);
      expect(remaining.sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      for (const refused of decisions.filter((d) => !d.allowed)) {
        expect(refused.retryAfterMs).toBeGreaterThan(0);
        expect(refused.windows.map((w) => w.name)).toEqual(['minute', 'hour']);
      }
    });

    it('holds an hour limit set below the minute limit', async () => {
      const decisions = await consumeMany(5, [window('minute', 5, 60_000), window('hour', 3, 3_600_000)]);
      expect(admitted(decisions)).toBe(3);
      expect(decisions[3]?.windows.map((w) => [w.name, w.remaining])).toEqual([
        ['minute', 2],
        ['hour', 0],
      ]);
      expect(decisions[3]?.retryAfterMs).toBeGreaterThan(1_000_000);
    });

    it('holds a minute limit set below the hour limit', async () => {
      const decisions = await consumeMany(5, [window('minute', 3, 60_000), window('hour', 5, 3_600_000)]);
      expect(admitted(decisions)).toBe(3);
      expect(decisions[3]?.windows.map((w) => [w.name, w.remaining])).toEqual([
        ['minute', 0],
        ['hour', 2],
      ]);
      expect(decisions[3]?.retryAfterMs).toBeLessThanOrEqual(20_000);
    });

    it('counts a refused request in no window', async () => {
      const windows = [window('minute', 2, 400), window('hour', 5, 60_000)];
      expect(admitted(await consumeMany(4, windows))).toBe(2);
      await sleep(400 + SLACK_MS);
      const next = await store.consume(key, windows);
      expect(next.allowed).toBe(true);
      expect(next.windows[1]?.remaining).toBe(2);
    });

    it('restores full capacity once the window has passed', async () => {
      const windows = [window('minute', 3, 400)];
      const first = await consumeMany(4, windows);
      expect(admitted(first)).toBe(3);
      const resetMs = first[2]?.windows[0]?.resetMs ?? 0;
      expect(resetMs).toBeGreaterThan(300);
      expect(resetMs).toBeLessThanOrEqual(400);
      await sleep(resetMs + SLACK_MS);
      expect(admitted(await consumeMany(4, windows))).toBe(3);
    });

    it('admits again after the advertised retry delay, and not before', async () => {
      const windows = [window('minute', 2, 600)];
      const [, , refused] = await consumeMany(3, windows);
      expect(refused?.allowed).toBe(false);
      const retryAfterMs = refused?.retryAfterMs ?? 0;
      expect(retryAfterMs).toBeGreaterThan(200);
      expect(retryAfterMs).toBeLessThanOrEqual(300);
      expect((await store.consume(key, windows)).allowed).toBe(false);
      await sleep(retryAfterMs + SLACK_MS);
      expect((await store.consume(key, windows)).allowed).toBe(true);
    });

    it('applies configured tier limits and per-key overrides', async () => {
      const resolver = rateLimitResolver({ tiers: { free: { perMinute: 3 } } });
      const plain = await consumeMany(6, resolver.windowsFor('free'), 1, `${key}-plain`);
      const raised = await consumeMany(6, resolver.windowsFor('free', { perMinute: 5, perHour: null }), 1, `${key}-raised`);
      const hourly = await consumeMany(6, resolver.windowsFor('free', { perMinute: null, perHour: 2 }), 1, `${key}-hourly`);
      expect([admitted(plain), admitted(raised), admitted(hourly)]).toEqual([3, 5, 2]);
      expect(hourly[2]?.windows.map((w) => [w.name, w.limit, w.remaining])).toEqual([
        ['minute', 3, 1],
        ['hour', 2, 0],
      ]);
    });

    it('keeps keys independent', async () => {
      const windows = [window('minute', 2, 60_000)];
      expect(admitted(await consumeMany(3, windows, 1, `${key}-a`))).toBe(2);
      const other = await store.consume(`${key}-b`, windows);
      expect(other.allowed).toBe(true);
      expect(other.windows[0]?.remaining).toBe(1);
    });

    it('charges a cost above 1 in every window and refuses what does not fit', async () => {
      const windows = [window('minute', 5, 60_000), window('hour', 7, 3_600_000)];
      const decisions = await consumeMany(3, windows, 2);
      expect(decisions.map((d) => [d.allowed, d.windows.map((w) => w.remaining)])).toEqual([
        [true, [3, 5]],
        [true, [1, 3]],
        [false, [1, 3]],
      ]);
      expect((await store.consume(key, windows, 1)).windows.map((w) => w.remaining)).toEqual([0, 2]);
      expect((await store.consume(`${key}-huge`, windows, 6)).allowed).toBe(false);
    });

    it('yields the contract headers on success and on refusal', async () => {
      const windows = [window('minute', 20, 60_000), window('hour', 100, 3_600_000)];
      const nowMs = Date.now();
      const ok = rateLimitHeaders(await store.consume(key, windows), { nowMs });
      expect(ok).toEqual({
        'X-RateLimit-Limit': '20',
        'X-RateLimit-Remaining': '19',
        'X-RateLimit-Reset': String(Math.ceil((nowMs + 3_000) / 1000)),
        'RateLimit-Policy': '"minute";q=20;w=60, "hour";q=100;w=3600',
        RateLimit: '"minute";r=19;t=3',
      });

      const tight = [window('minute', 1, 60_000), window('hour', 100, 3_600_000)];
      await store.consume(`${key}-tight`, tight);
      const refused = rateLimitHeaders(await store.consume(`${key}-tight`, tight), { nowMs });
      expect(refused['X-RateLimit-Limit']).toBe('1');
      expect(refused['X-RateLimit-Remaining']).toBe('0');
      expect(refused['RateLimit']).toMatch(/^"minute";r=0;t=(59|60)$/);
      expect(refused['Retry-After']).toMatch(/^(59|60)$/);
    });
  });
}
