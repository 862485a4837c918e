import { platformEvent, type EventBus } from '../../core/events/event-bus.ts';
import type { Logger } from '../../core/logger.ts';
import { principalId, type Principal } from '../../core/identity/principal.ts';
import type { CrossingLatch } from './crossing-latch.ts';
import type { RateDecision } from '../../core/rate-limit/store.ts';
import { thresholdsCrossed } from './usage-thresholds.ts';

export interface UsageAlertsOptions {
  readonly events: EventBus;
  /** Memory in embedded mode, Redis when replicas share limits. */
  readonly latch: CrossingLatch;
  readonly logger: Logger;
}

export type UsageAlerts = (principal: Principal, decision: RateDecision) => void;

/**
 * Publishes `usage.threshold_crossed` when a request takes a principal's window
 * across 80% or 100%, at most once per window length for each threshold. Runs
 * off the request path: an alert must never slow or fail the request.
 */
export function usageAlerts(options: UsageAlertsOptions): UsageAlerts {
  return (principal, decision) => {
    const crossings = thresholdsCrossed(decision);
    if (crossings.length === 0) return;
    const subject = principalId(principal);
    const publishOne = async (crossing: (typeof crossings)[number]): Promise<void> => {
      const windowMs = decision.windows.find((window) => window.name === crossing.window)?.windowMs ?? 60_000;
      if (!(await options.latch.claim(`${subject}:${crossing.window}:${crossing.threshold}`, windowMs))) return;
      await options.events.publish(
        platformEvent('usage.threshold_crossed', principal.userId, {
          principal: subject,
          keyId: principal.kind === 'apiKey' ? principal.keyId : null,
          window: crossing.window,
          threshold: crossing.threshold,
          limit: crossing.limit,
          remaining: crossing.remaining,
          resetAt: new Date(Date.now() + crossing.resetMs).toISOString(),
        }),
      );
    };
    for (const crossing of crossings) {
      publishOne(crossing).catch((error: unknown) => options.logger.warn({ err: error }, 'could not publish a usage threshold crossing'));
    }
  };
}
