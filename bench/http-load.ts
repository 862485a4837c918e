// Shared by the HTTP benchmarks: keep-alive load from this process, every answer checked.
import { Agent, request } from 'undici';

export const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 50);
export const DURATION_MS = Number(process.env['BENCH_DURATION_MS'] ?? 10_000);
export const WARMUP_MS = Number(process.env['BENCH_WARMUP_MS'] ?? 3_000);
export const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);

export interface Target {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: string;
  readonly check: (body: any) => boolean;
}

export interface Result {
  readonly name: string;
  readonly requests: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly failures: number;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

export async function drive(base: string, headers: Record<string, string>, target: Target, durationMs: number, dispatcher: Agent): Promise<Result> {
  const latencies: number[] = [];
  let failures = 0;
  const deadline = performance.now() + durationMs;
  const worker = async () => {
    while (performance.now() < deadline) {
      const started = performance.now();
      const response = await request(`${base}${target.path}`, {
        method: target.method,
        headers,
        dispatcher,
        ...(target.body === undefined ? {} : { body: target.body }),
      });
      const body = await response.body.json();
      latencies.push(performance.now() - started);
      if (response.statusCode !== 200 || !target.check(body)) failures += 1;
    }
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const elapsed = performance.now() - began;
  latencies.sort((a, b) => a - b);
  return {
    name: target.name,
    requests: latencies.length,
    rps: Math.round((latencies.length / elapsed) * 1000),
    p50: Math.round(percentile(latencies, 50) * 100) / 100,
    p99: Math.round(percentile(latencies, 99) * 100) / 100,
    failures,
  };
}

