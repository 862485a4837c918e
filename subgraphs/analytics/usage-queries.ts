import { Prisma, type PrismaClient } from '../../prisma/generated/client.ts';
import { whereOf, type UsageScope } from './usage-scope.ts';

export interface UsageStats {
  readonly requests: number;
  readonly errors: number;
  readonly errorRate: number;
  readonly p50LatencyMs: number | null;
  readonly p95LatencyMs: number | null;
  readonly bytesIn: number;
  readonly bytesOut: number;
}

export type BucketSize = 'hour' | 'day';
export type GroupBy = 'apiKey' | 'module' | 'tier' | 'operation' | 'route' | 'user';

/** The column each grouping reads: a table, so the names in SQL never come from input. */
const GROUP_COLUMNS: Readonly<Record<GroupBy, Prisma.Sql>> = {
  apiKey: Prisma.raw('api_key_id::text'),
  module: Prisma.raw('module'),
  tier: Prisma.raw('tier::text'),
  operation: Prisma.raw('operation_name'),
  route: Prisma.raw('route'),
  user: Prisma.raw('user_id'),
};

const BUCKET_UNITS: Readonly<Record<BucketSize, Prisma.Sql>> = { hour: Prisma.raw(`'hour'`), day: Prisma.raw(`'day'`) };

/** The aggregate columns every query selects; the database does the counting and the percentiles. */
const STATS = Prisma.sql`
  count(*)::int AS requests,
  (count(*) FILTER (WHERE status >= 400))::int AS errors,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50,
  percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95,
  coalesce(sum(bytes_in), 0)::float8 AS bytes_in,
  coalesce(sum(bytes_out), 0)::float8 AS bytes_out`;

interface StatsRow {
  requests: number;
  errors: number;
  p50: number | null;
  p95: number | null;
  bytes_in: number;
  bytes_out: number;
}

const round = (value: number | null): number | null => (value === null ? null : Math.round(value * 100) / 100);

function statsOf(row: StatsRow | undefined): UsageStats {
  const requests = Number(row?.requests ?? 0);
  const errors = Number(row?.errors ?? 0);
  return {
    requests,
    errors,
    errorRate: requests === 0 ? 0 : errors / requests,
    p50LatencyMs: round(row?.p50 ?? null),
    p95LatencyMs: round(row?.p95 ?? null),
    bytesIn: Number(row?.bytes_in ?? 0),
    bytesOut: Number(row?.bytes_out ?? 0),
  };
}

/** Usage aggregations, each one SQL statement over usage_records. */
export function usageQueries(prisma: PrismaClient) {
  return {
    async total(scope: UsageScope): Promise<UsageStats> {
      const rows = await prisma.$queryRaw<StatsRow[]>`SELECT ${STATS} FROM usage_records ${whereOf(scope)}`;
      return statsOf(rows[0]);
    },
    async buckets(scope: UsageScope, size: BucketSize): Promise<Array<{ start: Date; stats: UsageStats }>> {
      const unit = BUCKET_UNITS[size];
      const rows = await prisma.$queryRaw<Array<StatsRow & { start: Date }>>`
        SELECT date_trunc(${unit}, occurred_at) AS start, ${STATS}
        FROM usage_records ${whereOf(scope)}
        GROUP BY 1 ORDER BY 1`;
      return rows.map((row) => ({ start: row.start, stats: statsOf(row) }));
    },
    async groups(scope: UsageScope, by: GroupBy, limit: number): Promise<Array<{ key: string | null; stats: UsageStats }>> {
      const column = GROUP_COLUMNS[by];
      const rows = await prisma.$queryRaw<Array<StatsRow & { key: string | null }>>`
        SELECT ${column} AS key, ${STATS}
        FROM usage_records ${whereOf(scope)}
        GROUP BY 1 ORDER BY requests DESC, key LIMIT ${limit}`;
      return rows.map((row) => ({ key: row.key, stats: statsOf(row) }));
    },
  };
}

export type UsageQueries = ReturnType<typeof usageQueries>;
