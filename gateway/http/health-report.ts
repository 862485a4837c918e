import { z } from 'zod';
import { TIER_NAMES } from '../../schema/tiers.ts';
import { backendHealthSchema } from '../backend/backend-health.ts';

/**
 * What `/health`, `/health/detailed` and `/health/redis` answer in the envelope's
 * `data`. The probes are typed by these schemas, so the OpenAPI document that shows
 * them cannot drift from what the routes send.
 */
export const checkStatusSchema = z.enum(['up', 'down', 'not_configured']);

/** One probe: a dependency the gateway needs. */
export const checkResultSchema = z
  .object({
    status: checkStatusSchema,
    latency_ms: z.number().optional().describe('How long the probe took; absent when nothing was probed'),
    error: z.string().optional().describe('Why the probe failed'),
  })
  .catchall(z.unknown().describe('A detail the probe reported (a subgraph: location; the database: kind)'));

export type CheckResult = z.infer<typeof checkResultSchema>;

/** An upstream (a module or a /v1 service) as last probed in the background, and how often it was called. */
const upstreamReportSchema = z.object({
  status: z.string().describe('up, down, or unconfigured (no URL set)'),
  last_checked_at: z.string().nullable(),
  latency_ms: z.number().nullable(),
  requests: z.number().int(),
  failures: z.number().int(),
});

export const processReportSchema = z.object({
  startup_ms: z.number().nullable().describe('From process start until the gateway listened; null before'),
  rss_mib: z.number(),
  heap_used_mib: z.number(),
  young_generation_mib: z.number(),
  uptime_seconds: z.number().int(),
});

export const livenessSchema = z.object({ status: z.literal('healthy'), service: z.string(), uptime_seconds: z.number().int() });

export const healthReportSchema = z.object({
  status: z.enum(['healthy', 'degraded']).describe('healthy: the database, Redis (when configured) and every subgraph are up'),
  checks: z.object({
    database: checkResultSchema.extend({ kind: z.enum(['pglite', 'postgres']) }),
    redis: checkResultSchema,
    subgraphs: z.record(z.string(), checkResultSchema.extend({ location: z.string().optional().describe('in-process, or the subgraph URL') })),
  }),
  modules: z.record(z.string(), upstreamReportSchema.extend({ tier: z.enum(TIER_NAMES) })).describe('Every module of the catalog, by slug'),
  v1_services: z.record(z.string(), upstreamReportSchema).describe('The /v1 (AIVillage) upstreams, by name'),
  subscriptions: z.object({ connections: z.number().int(), subscriptions: z.number().int() }).optional().describe("This replica's open subscription connections"),
  backend: backendHealthSchema.optional(),
  process: processReportSchema,
});

export type HealthReport = z.infer<typeof healthReportSchema>;
