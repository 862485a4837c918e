// This process's start-up time and memory, for /health/detailed: the figures
// the deployment budgets (bench/README.md, the Helm chart's resources) are set by.
import { getHeapSpaceStatistics } from 'node:v8';
import type { z } from 'zod';
import type { processReportSchema } from './health-report.ts';

const MiB = 1024 * 1024;

/** `young_generation_mib` is V8's new space as committed (both semi-spaces): large under load, handed back when idle (gateway/app/idle-heap-release.ts). */
export function processReport(startupMs: number | null): z.infer<typeof processReportSchema> {
  const memory = process.memoryUsage();
  const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
  return {
    startup_ms: startupMs,
    rss_mib: Math.round(memory.rss / MiB),
    heap_used_mib: Math.round(memory.heapUsed / MiB),
    young_generation_mib: Math.round(((young?.physical_space_size ?? 0) / MiB) * 10) / 10,
    uptime_seconds: Math.round(process.uptime()),
  };
}
