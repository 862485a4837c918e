import type { Redis } from 'ioredis';
import type { Database } from '../../prisma/database.ts';
import type { SubgraphName } from '../../schema/subgraph-names.ts';
import type { InternalTokens } from '../../core/identity/internal-token.ts';
import { INTERNAL_TOKEN_HEADER } from '../../core/identity/internal-token.ts';
import type { SubgraphLocation } from '../executor/subgraph-locations.ts';
import { MODULE_CATALOG } from '../../schema/modules.ts';
import { V1_SERVICE_NAMES } from '../../schema/v1-services.ts';
import { processReport } from './process-report.ts';
import type { CheckResult, HealthReport } from './health-report.ts';
import type { BackendHealth } from '../backend/backend-health.ts';


/** What health reads of the upstreams: the last probe of each, and how often each was called. */
export interface UpstreamHealthSource {
  report(slug: string): { readonly status: string; readonly lastCheckedAt: Date | null; readonly latencyMs: number | null };
  usage(): Readonly<Record<string, { readonly requests: number; readonly failures: number }>>;
}

export interface HealthOptions {
  readonly database: Database;
  readonly redis: Redis | null;
  readonly subgraphs: Readonly<Record<SubgraphName, SubgraphLocation>>;
  /** In-process subgraphs: down once building the schema failed (gateway/executor/local-subgraphs.ts). */
  readonly localSchemas: { healthy(name: SubgraphName): boolean };
  readonly tokens: InternalTokens;
  /** The module and /v1 upstreams: last probe and use. */
  readonly upstreams: UpstreamHealthSource;
  /** This replica's open subscription connections and subscriptions. */
  readonly subscriptions?: () => { readonly connections: number; readonly subscriptions: number };
  /** The backend pass-through routes and WebSocket (BACKEND_*): probed when asked, reported, not required. */
  readonly backend?: () => Promise<BackendHealth>;
  /** Milliseconds from process start until the gateway listened; null while starting. @default always null */
  readonly startupMs?: () => number | null;
  /** Each probe gives up after this long. @default 2000 */
  readonly timeoutMs?: number;
}

async function timed(probe: () => Promise<Record<string, unknown> | void>, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const details = await Promise.race([
      probe(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: 'up', latency_ms: Math.round((performance.now() - started) * 10) / 10, ...(details ?? {}) };
  } catch (error) {
    return { status: 'down', error: error instanceof Error ? error.message : 'unreachable' };
  } finally {
    clearTimeout(timer);
  }
}

/** Readiness probes for `/health/detailed` and `/health/redis`. */
export type HealthChecks = ReturnType<typeof healthChecks>;

export function healthChecks(options: HealthOptions) {
  const timeoutMs = options.timeoutMs ?? 2000;

  const redis = (): Promise<CheckResult> =>
    options.redis
      ? timed(async () => {
          await options.redis?.ping();
        }, timeoutMs)
      : Promise.resolve({ status: 'not_configured' });

  const subgraph = (name: SubgraphName): Promise<CheckResult> => {
    const location = options.subgraphs[name] ?? { kind: 'in-process' };
    if (location.kind === 'in-process') {
      return Promise.resolve({ status: options.localSchemas.healthy(name) ? 'up' : 'down', location: 'in-process' });
    }
    return timed(async () => {
      const token = await options.tokens.sign({ principal: null, requestId: 'health', clientAddress: null });
      const answer = await fetch(location.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [INTERNAL_TOKEN_HEADER]: token },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      if (!answer.ok) throw new Error(`HTTP ${answer.status}`);
      return { location: location.url };
    }, timeoutMs);
  };

  return {
    redis,
    async detailed(): Promise<HealthReport> {
      const names = Object.keys(options.subgraphs) as SubgraphName[];
      const backend = options.backend?.();
      const [database, redisResult, ...subgraphResults] = await Promise.all([
        timed(() => options.database.ping(), timeoutMs).then((result) => ({ ...result, kind: options.database.kind })),
        redis(),
        ...names.map(subgraph),
      ]);
      const subgraphs = Object.fromEntries(names.map((name, index) => [name, subgraphResults[index] ?? { status: 'down' as const, error: 'not probed' }]));
      // Module upstreams are reported, not required: an unconfigured or down module degrades only itself.
      const usage = options.upstreams.usage();
      const upstreamReport = (name: string) => {
        const report = options.upstreams.report(name);
        return {
          status: report.status,
          last_checked_at: report.lastCheckedAt?.toISOString() ?? null,
          latency_ms: report.latencyMs,
          requests: usage[name]?.requests ?? 0,
          failures: usage[name]?.failures ?? 0,
        };
      };
      const modules = Object.fromEntries(MODULE_CATALOG.map((entry) => [entry.slug, { ...upstreamReport(entry.slug), tier: entry.tier }]));
      const v1Services = Object.fromEntries(V1_SERVICE_NAMES.map((name) => [name, upstreamReport(name)]));
      const healthy =
        database.status === 'up' && redisResult.status !== 'down' && subgraphResults.every((result) => result?.status === 'up');
      return {
        status: healthy ? ('healthy' as const) : ('degraded' as const),
        checks: { database, redis: redisResult, subgraphs },
        modules,
        v1_services: v1Services,
        ...(options.subscriptions ? { subscriptions: options.subscriptions() } : {}),
        ...(backend ? { backend: await backend } : {}),
        process: processReport(options.startupMs?.() ?? null),
      };
    },
  };
}
