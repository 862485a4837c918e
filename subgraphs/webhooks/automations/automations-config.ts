/** AUTOMATION_* variables, validated in gateway/app/config/. */
export interface AutomationsConfig {
  /** Whether this gateway process runs automation actions (replicas share the queue). */
  readonly workerEnabled: boolean;
  readonly pollIntervalMs: number;
  /** Runs in flight at once per process. */
  readonly concurrency: number;
  /** Delay before each attempt, the first one included; its length is the number of attempts. */
  readonly retrySchedule: readonly number[];
  /** One attempt's deadline. */
  readonly timeoutMs: number;
  /** Runs in a row failing for good that disable an automation. */
  readonly disableAfter: number;
}

/** 0, 10 s, 1 min, 10 min, 1 h: five attempts over about 71 minutes, each jittered ±20%. */
export const DEFAULT_AUTOMATION_RETRY_SCHEDULE_MS: readonly number[] = [0, 10_000, 60_000, 600_000, 3_600_000];
