import { Prisma } from '../../prisma/generated/client.ts';
import type { Tier } from '../../schema/tiers.ts';

const DEFAULT_WINDOW_MS = 30 * 86_400_000;

/** Which usage records a report covers: always a time window, then optional equalities. */
export interface UsageScope {
  readonly since: Date;
  readonly until: Date;
  readonly userId?: string;
  readonly apiKeyId?: string;
  readonly module?: string;
  readonly tier?: Tier;
}

export function usageWindow(since: Date | null | undefined, until: Date | null | undefined, now = new Date()): { since: Date; until: Date } {
  const end = until ?? now;
  return { since: since ?? new Date(end.getTime() - DEFAULT_WINDOW_MS), until: end };
}

/** The WHERE clause of a scope; every column here leads one of usage_records' indexes. */
export function whereOf(scope: UsageScope): Prisma.Sql {
  const conditions: Prisma.Sql[] = [Prisma.sql`occurred_at >= ${scope.since}`, Prisma.sql`occurred_at < ${scope.until}`];
  if (scope.userId !== undefined) conditions.push(Prisma.sql`user_id = ${scope.userId}`);
  if (scope.apiKeyId !== undefined) conditions.push(Prisma.sql`api_key_id = ${scope.apiKeyId}::uuid`);
  if (scope.module !== undefined) conditions.push(Prisma.sql`module = ${scope.module}`);
  if (scope.tier !== undefined) conditions.push(Prisma.sql`tier = ${scope.tier}::"Tier"`);
  return Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}`;
}
