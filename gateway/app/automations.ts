import type { EventBus } from '../../core/events/event-bus.ts';
import type { InternalTokens } from '../../core/identity/internal-token.ts';
import type { Logger } from '../../core/logger.ts';
import type { PrismaClient } from '../../prisma/generated/client.ts';
import { automationWorker, type AutomationWorker } from '../../subgraphs/webhooks/automations/run-worker.ts';
import { webhookAction } from '../../subgraphs/webhooks/automations/webhook-action.ts';
import type { TargetGuard } from '../../subgraphs/webhooks/delivery/target-guard.ts';
import { webhookSender } from '../../subgraphs/webhooks/delivery/webhook-sender.ts';
import { mutationAction } from '../automations/mutation-action.ts';
import type { ExecuteOperation } from '../executor/execute-operation.ts';
import type { RateLimitStep } from '../http/rate-limit-step.ts';
import type { AppConfig } from './config/app-config.ts';

export interface AutomationParts {
  readonly prisma: PrismaClient;
  readonly events: EventBus;
  readonly webhookTargets: TargetGuard;
  readonly execute: ExecuteOperation;
  readonly tokens: InternalTokens;
  readonly rateLimit: RateLimitStep;
}

/**
 * The automation worker a gateway process runs: webhook actions through the
 * webhook sender (its SSRF guard and timeout), mutation actions through this
 * gateway's executor. `stop` waits for the runs in flight, then closes the sender.
 */
export function startAutomations(config: AppConfig, parts: AutomationParts, logger: Logger): AutomationWorker {
  const sender = webhookSender({ guard: parts.webhookTargets, timeoutMs: Math.min(config.webhooks.timeoutMs, config.automations.timeoutMs) });
  const worker = automationWorker({
    prisma: parts.prisma,
    events: parts.events,
    logger: logger.child({ component: 'automations' }),
    actions: {
      webhook: webhookAction({ prisma: parts.prisma, sender }),
      mutation: mutationAction({ prisma: parts.prisma, execute: parts.execute, sign: parts.tokens.sign, rateLimit: parts.rateLimit }),
    },
    retrySchedule: config.automations.retrySchedule,
    disableAfter: config.automations.disableAfter,
    pollIntervalMs: config.automations.pollIntervalMs,
    concurrency: config.automations.concurrency,
    timeoutMs: config.automations.timeoutMs,
  });
  worker.start();
  return {
    start: () => worker.start(),
    async stop() {
      await worker.stop();
      await sender.close();
    },
  };
}
