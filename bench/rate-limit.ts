/**
 * Decision latency of the rate-limit stores: `npm run bench:ratelimit`.
 * Bounded in count and time per row; Redis rows need REDIS_URL (default
 * redis://127.0.0.1:6379) and are skipped when it does not answer.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { memoryRateLimitStore } from '../core/rate-limit/memory-store.ts';
import { redisRateLimitStore } from '../core/rate-limit/redis-store.ts';
import type { RateLimitStore, RateWindow } from '../core/rate-limit/store.ts';

interface Row {
  readonly store: string;
  readonly mode: string;
  readonly decisions: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly perSecond: number;
}

const KEYS = 1_000;
/** The pro tier's defaults: 200/minute, 1 000/hour. */
const WINDOWS: readonly RateWindow[] = [
  { name: 'minute', limit: 200, windowMs: 60_000 },
  { name: 'hour', limit: 1_000, windowMs: 3_600_000 },
];

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

/** Runs `inFlight` loops of decisions until `maxDecisions` or `maxMs`, timing each. */
async function measure(store: RateLimitStore, inFlight: number, maxDecisions: number, maxMs: number): Promise<Omit<Row, 'store' | 'mode'>> {
  const latenciesUs: number[] = [];
  const started = performance.now();
  const deadline = started + maxMs;
  let issued = 0;
  async function loop(): Promise<void> {
    while (issued < maxDecisions && performance.now() < deadline) {
      const key = `principal-${issued % KEYS}`;
      issued += 1;
      const t0 = performance.now();
      await store.consume(key, WINDOWS);
      latenciesUs.push((performance.now() - t0) * 1000);
    }
  }
  await Promise.all(Array.from({ length: inFlight }, loop));
  const elapsedS = (performance.now() - started) / 1000;
  latenciesUs.sort((a, b) => a - b);
  return {
    decisions: latenciesUs.length,
    p50Us: percentile(latenciesUs, 50),
    p99Us: percentile(latenciesUs, 99),
    perSecond: latenciesUs.length / elapsedS,
  };
}

async function bench(store: string, makeStore: () => RateLimitStore, budget: { decisions: number; ms: number }): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [mode, inFlight] of [
    ['sequential', 1],
    ['50 in flight', 50],
  ] as const) {
    // A fresh store per row, warmed up first (JIT, script cache, connection).
    const s = makeStore();
    await measure(s, inFlight, 2_000, 1_000);
    rows.push({ store, mode, ...(await measure(s, inFlight, budget.decisions, budget.ms)) });
    await s.close();
  }
  return rows;
}

async function connectRedis(url: string): Promise<Redis | null> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 1_000, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return redis;
  } catch {
    redis.disconnect();
    return null;
  }
}

async function main(): Promise<void> {
  const rows = await bench('memory', () => memoryRateLimitStore(), { decisions: 200_000, ms: 3_000 });

  const url = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const redis = await connectRedis(url);
  const prefix = `rl:bench:${randomUUID()}:`;
  if (redis === null) {
    console.log(`(Redis at ${url} did not answer: Redis rows skipped)\n`);
  } else {
    try {
      rows.push(...(await bench('redis', () => redisRateLimitStore({ redis, prefix }), { decisions: 50_000, ms: 5_000 })));
    } finally {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1_000);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      await redis.quit();
    }
  }

  const fmt = (n: number, digits = 1): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  console.log(`Node ${process.version}, ${KEYS} keys round-robin, windows 200/min + 1000/h\n`);
  console.log('| store | mode | decisions | p50 (µs) | p99 (µs) | decisions/s |');
  console.log('|---|---|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.store} | ${r.mode} | ${r.decisions.toLocaleString('en-US')} | ${fmt(r.p50Us)} | ${fmt(r.p99Us)} | ${fmt(r.perSecond, 0)} |`);
  }
}

await main();
