import { z } from 'zod';
import { route, type BridgeRoute } from '../bridge-route.ts';

const STATS_FIELDS = 'requests errors errorRate p50LatencyMs p95LatencyMs bytesIn bytesOut';
const REPORT_FIELDS = `since until total { ${STATS_FIELDS} } byDay: buckets(size: day) { start stats { ${STATS_FIELDS} } }`;

const statsSchema = z.object({
  requests: z.number().int(),
  errors: z.number().int(),
  error_rate: z.number(),
  p50_latency_ms: z.number().nullable(),
  p95_latency_ms: z.number().nullable(),
  bytes_in: z.number(),
  bytes_out: z.number(),
});
const groupSchema = z.object({ key: z.string().nullable(), stats: statsSchema });
const reportSchema = z.object({
  since: z.string(),
  until: z.string(),
  total: statsSchema,
  by_day: z.array(z.object({ start: z.string(), stats: statsSchema })),
});

const statsOf = (stats: Record<string, any>): z.infer<typeof statsSchema> => ({
  requests: stats['requests'],
  errors: stats['errors'],
  error_rate: stats['errorRate'],
  p50_latency_ms: stats['p50LatencyMs'],
  p95_latency_ms: stats['p95LatencyMs'],
  bytes_in: stats['bytesIn'],
  bytes_out: stats['bytesOut'],
});
const groupsOf = (groups: Array<Record<string, any>>) => groups.map((group) => ({ key: group['key'], stats: statsOf(group['stats']) }));
const reportOf = (report: Record<string, any>) => ({
  since: report['since'],
  until: report['until'],
  total: statsOf(report['total']),
  by_day: (report['byDay'] as Array<Record<string, any>>).map((bucket) => ({ start: bucket['start'], stats: statsOf(bucket['stats']) })),
});

const window = z.object({ since: z.iso.datetime().optional(), until: z.iso.datetime().optional() });

/** Usage of the caller (100X's `/analytics/usage`) and of one key (the UBP's `/api/v1/api-keys/{id}/usage`). */
export const ANALYTICS_ROUTES: readonly BridgeRoute[] = [
  route({
    method: 'GET',
    path: '/analytics/usage',
    tag: 'analytics',
    summary: "The caller's usage: totals, per day, per key, per module (the last 30 days unless since/until say otherwise)",
    query: window,
    response: reportSchema.extend({ by_api_key: z.array(groupSchema), by_module: z.array(groupSchema) }),
    operation: ({ query }) => ({
      document: `query RestMyUsage($filter: UsageFilter) { myUsage(filter: $filter) { ${REPORT_FIELDS} byKey: groups(by: apiKey) { key stats { ${STATS_FIELDS} } } byModule: groups(by: module) { key stats { ${STATS_FIELDS} } } } }`,
      variables: { filter: { since: query.since, until: query.until } },
    }),
    result: ({ myUsage }) => ({ ...reportOf(myUsage), by_api_key: groupsOf(myUsage.byKey), by_module: groupsOf(myUsage.byModule) }),
  }),
  route({
    method: 'GET',
    path: '/api/v1/api-keys/{id}/usage',
    tag: 'ubp',
    summary: "One of the caller's keys: totals, per day, per module",
    query: window,
    response: reportSchema.extend({ key_id: z.string(), by_module: z.array(groupSchema) }),
    operation: ({ params, query }) => ({
      document: `query RestApiKeyUsage($id: ID!, $since: DateTime, $until: DateTime) { apiKeyUsage(id: $id, since: $since, until: $until) { ${REPORT_FIELDS} byModule: groups(by: module) { key stats { ${STATS_FIELDS} } } } }`,
      variables: { id: params['id'], since: query.since, until: query.until },
    }),
    result: ({ apiKeyUsage }, { params }) => ({ key_id: params['id'], ...reportOf(apiKeyUsage), by_module: groupsOf(apiKeyUsage.byModule) }),
  }),
];
