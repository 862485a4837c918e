// This process's start-up time and memory, for /health/detailed: the figures
// the deployment budgets (bench/README.md, the Helm chart's resources) are set by.

const MiB = 1024 * 1024;

export interface ProcessReport {
  /** From the process's start (module loading included) until the gateway listened; null before. */
  readonly startup_ms: number | null;
  readonly rss_mib: number;
  readonly heap_used_mib: number;
  readonly uptime_seconds: number;
}

export function processReport(startupMs: number | null): ProcessReport {
  const memory = process.memoryUsage();
  return {
    startup_ms: startupMs,
    rss_mib: Math.round(memory.rss / MiB),
    heap_used_mib: Math.round(memory.heapUsed / MiB),
    uptime_seconds: Math.round(process.uptime()),
  };
}
