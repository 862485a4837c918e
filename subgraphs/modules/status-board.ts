import { MODULE_SLUGS } from '../../schema/modules.ts';
import { V1_SERVICE_NAMES } from '../../schema/v1-services.ts';
import { platformEvent, type EventBus } from '../../core/events/event-bus.ts';
import type { Logger } from '../../core/logger.ts';
import type { ModuleUpstreams } from '../module/module-upstreams.ts';

export type ModuleStatus = 'up' | 'down' | 'unconfigured';

export interface ModuleStatusReport {
  readonly status: ModuleStatus;
  readonly lastCheckedAt: Date | null;
  readonly latencyMs: number | null;
  readonly error: string | null;
}

export interface ModuleStatusBoardOptions {
  readonly upstreams: ModuleUpstreams;
  readonly events: EventBus;
  readonly logger: Logger;
  /** @default 15000 */
  readonly intervalMs?: number;
}

/**
 * Probes every configured module's and /v1 service's upstream (`GET /health`) on an interval and
 * keeps the last answer; a change of status is published as an event. Started by
 * the process that hosts the `modules` subgraph, so one process probes, not all.
 */
export interface ModuleStatusBoard {
  report(slug: string): ModuleStatusReport;
  /** Idempotent; the first round of probes starts at once. */
  start(): void;
  probeAll(): Promise<void>;
  stop(): void;
}

const PROBED: readonly string[] = [...MODULE_SLUGS, ...V1_SERVICE_NAMES];

const UNCONFIGURED: ModuleStatusReport = { status: 'unconfigured', lastCheckedAt: null, latencyMs: null, error: null };
const NOT_YET_PROBED: ModuleStatusReport = { status: 'down', lastCheckedAt: null, latencyMs: null, error: 'not probed yet' };

export function moduleStatusBoard(options: ModuleStatusBoardOptions): ModuleStatusBoard {
  const reports = new Map<string, ModuleStatusReport>();
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> | undefined;

  const probe = async (slug: string): Promise<void> => {
    const client = options.upstreams.clientFor(slug);
    if (!client) return;
    const result = await client.probe('/health');
    const previous = reports.get(slug);
    const status: ModuleStatus = result.up ? 'up' : 'down';
    reports.set(slug, { status, lastCheckedAt: new Date(), latencyMs: result.latencyMs, error: result.error ?? null });
    if (previous && previous.status !== status) {
      options.logger.warn({ module: slug, from: previous.status, to: status }, 'module status changed');
      await options.events
        .publish(platformEvent('module.status_changed', null, { slug, status, previous: previous.status }))
        .catch((error: unknown) => options.logger.warn({ err: error }, 'could not publish a module status change'));
    }
  };

  const probeAll = (): Promise<void> =>
    (round ??= Promise.all(PROBED.map(probe))
      .then(() => undefined)
      .finally(() => {
        round = undefined;
      }));

  return {
    report(slug) {
      if (!options.upstreams.clientFor(slug)) return UNCONFIGURED;
      return reports.get(slug) ?? NOT_YET_PROBED;
    },
    start() {
      if (timer) return;
      void probeAll();
      timer = setInterval(() => void probeAll(), options.intervalMs ?? 15_000);
      timer.unref();
    },
    probeAll,
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
