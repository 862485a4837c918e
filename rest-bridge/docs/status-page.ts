import { z } from 'zod';

/** What the status page reads of `/health/detailed`'s report (gateway/http/health.ts). */
export interface HealthReportSummaryInput {
  readonly status: 'healthy' | 'degraded';
  readonly checks: { readonly database: { readonly status: string }; readonly redis: { readonly status: string }; readonly subgraphs: Readonly<Record<string, { readonly status: string } | undefined>> };
  readonly modules: Readonly<Record<string, { readonly status: string }>>;
  readonly v1_services: Readonly<Record<string, { readonly status: string }>>;
}

export interface StatusPageOptions {
  readonly version: string;
  /** When the process started (epoch ms). */
  readonly startedAt: number;
  readonly health: () => Promise<HealthReportSummaryInput>;
  /** How many operations the REST docs describe. */
  readonly documentedRoutes: number;
}

const countByStatus = (entries: Readonly<Record<string, { readonly status: string } | undefined>>) => {
  const counts: Record<string, number> = {};
  for (const entry of Object.values(entries)) if (entry) counts[entry.status] = (counts[entry.status] ?? 0) + 1;
  return counts;
};

const countsByStatus = z.record(z.string(), z.number().int()).describe('How many are in each status (up, down, unconfigured, …)');

/** What `/api/docs/status` answers in the envelope's `data`. */
export const statusSummarySchema = z.object({
  service: z.string(),
  version: z.string(),
  status: z.enum(['healthy', 'degraded']),
  started_at: z.string(),
  uptime_seconds: z.number().int(),
  database: z.string().describe('up or down'),
  redis: z.string().describe('up, down or not_configured'),
  subgraphs: countsByStatus,
  modules: countsByStatus,
  v1_services: countsByStatus,
  documented_routes: z.number().int().describe('Operations in /api/openapi.json'),
});

/** Version, uptime and a health summary: the counts of `/health/detailed`, not its details. */
export async function statusSummary(options: StatusPageOptions): Promise<z.infer<typeof statusSummarySchema>> {
  const report = await options.health();
  return {
    service: 'federation-gateway',
    version: options.version,
    status: report.status,
    started_at: new Date(options.startedAt).toISOString(),
    uptime_seconds: Math.round((Date.now() - options.startedAt) / 1000),
    database: report.checks.database.status,
    redis: report.checks.redis.status,
    subgraphs: countByStatus(report.checks.subgraphs),
    modules: countByStatus(report.modules),
    v1_services: countByStatus(report.v1_services),
    documented_routes: options.documentedRoutes,
  };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const cell = (value: unknown) => escapeHtml(typeof value === 'object' && value !== null ? Object.entries(value).map(([k, v]) => `${k}: ${v}`).join(', ') || 'none' : String(value));

/** The same summary for a browser: a table, no script (the docs CSP allows none inline). */
export function statusPageHtml(summary: Awaited<ReturnType<typeof statusSummary>>): string {
  const rows = Object.entries(summary).map(([key, value]) => `<tr><th>${escapeHtml(key.replaceAll('_', ' '))}</th><td>${cell(value)}</td></tr>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Federation gateway · status</title><link rel="icon" href="data:,">
<style>body{font-family:sans-serif;margin:2rem}th{text-align:left;padding-right:2rem}td,th{padding:.25rem 0}</style></head>
<body>
<h1>Federation gateway: ${escapeHtml(summary.status)}</h1>
<table>
${rows}
</table>
<p>Details: <a href="/health/detailed">/health/detailed</a> · API: <a href="/api/docs">/api/docs</a></p>
</body>
</html>
`;
}
