import { USAGE_THRESHOLDS, type UsageThresholdPayload } from '../../schema/events.ts';
import type { RateDecision } from '../../core/rate-limit/store.ts';

export interface ThresholdCrossing {
  readonly window: UsageThresholdPayload['window'];
  readonly threshold: UsageThresholdPayload['threshold'];
  readonly limit: number;
  readonly remaining: number;
  readonly resetMs: number;
}

const WINDOW_NAMES = new Set<string>(['minute', 'hour']);

/**
 * The thresholds this admitted request carried a window across: its use is now
 * exactly the first count at or above the threshold. Refill only lowers use, so
 * a request can reach that count only from below; refusals never cross anything.
 */
export function thresholdsCrossed(decision: RateDecision): ThresholdCrossing[] {
  if (!decision.allowed || decision.degraded) return [];
  const crossings: ThresholdCrossing[] = [];
  for (const window of decision.windows) {
    if (!WINDOW_NAMES.has(window.name)) continue;
    const used = window.limit - window.remaining;
    for (const threshold of USAGE_THRESHOLDS) {
      if (used === Math.ceil((window.limit * threshold) / 100)) {
        crossings.push({
          window: window.name as ThresholdCrossing['window'],
          threshold,
          limit: window.limit,
          remaining: window.remaining,
          resetMs: window.resetMs,
        });
      }
    }
  }
  return crossings;
}
