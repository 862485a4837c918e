import type { Logger } from '../../core/logger.ts';
import { upstreamClient, type UpstreamClient } from '../shared/upstream/index.ts';

/** Where one module's upstream lives and how patiently to call it. */
export interface UpstreamSettings {
  readonly url: string;
  readonly timeoutMs: number;
  readonly retries: number;
}

export interface ModulesConfig {
  /** Keyed by module slug or /v1 service name; only configured ones have an entry, the rest report `unconfigured`. */
  readonly upstreams: Readonly<Record<string, UpstreamSettings>>;
  /** Signs the principal header sent to upstreams (X-Gateway-Principal). */
  readonly signingSecret: Uint8Array;
  readonly probeIntervalMs: number;
}

export interface ModuleUsage {
  requests: number;
  failures: number;
  lastStatus: number | null;
  lastUsedAt: string | null;
}

/** One upstream client per configured module, and what this process sent them. */
export interface ModuleUpstreams {
  clientFor(slug: string): UpstreamClient | undefined;
  recordUse(slug: string, status: number | null): void;
  usage(): Readonly<Record<string, ModuleUsage>>;
  close(): Promise<void>;
}

export function moduleUpstreams(config: ModulesConfig, logger: Logger): ModuleUpstreams {
  const clients = new Map<string, UpstreamClient>();
  for (const [slug, settings] of Object.entries(config.upstreams)) {
    clients.set(
      slug,
      upstreamClient({
        name: slug,
        baseUrl: settings.url,
        timeoutMs: settings.timeoutMs,
        retries: settings.retries,
        signingSecret: config.signingSecret,
        breaker: {
          onStateChange: (state: string) => logger.warn({ module: slug, state }, 'module upstream circuit changed'),
        },
      }),
    );
  }
  const usage: Record<string, ModuleUsage> = {};
  return {
    clientFor: (slug) => clients.get(slug),
    recordUse(slug, status) {
      const entry = (usage[slug] ??= { requests: 0, failures: 0, lastStatus: null, lastUsedAt: null });
      entry.requests += 1;
      if (status === null || status >= 500) entry.failures += 1;
      entry.lastStatus = status;
      entry.lastUsedAt = new Date().toISOString();
    },
    usage: () => usage,
    async close() {
      await Promise.all([...clients.values()].map((client) => client.close()));
    },
  };
}
