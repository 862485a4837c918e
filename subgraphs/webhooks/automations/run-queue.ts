import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../../prisma/generated/client.ts';
import type { ClaimedRun, RunAction } from '../../../core/automations/run-types.ts';

interface ClaimRow {
  id: string;
  attempt_count: number;
  automation_id: string;
  name: string;
  owner_id: string;
  event_id: string;
  event_type: string;
  event_occurred_at: Date;
  input: Record<string, unknown>;
  caused_by: string[] | null;
  action_kind: string;
  webhook_endpoint_id: string | null;
  mutation: string | null;
  variables: Record<string, unknown> | null;
  acting_key_id: string | null;
}

/**
 * Claims due runs in one statement, as the webhook delivery queue does: due rows of
 * enabled automations are locked with FOR UPDATE SKIP LOCKED (so replicas take
 * disjoint rows), stamped with a claim token, and leased through `next_attempt_at`.
 * A worker that dies leaves its runs to come due again when the lease lapses; the
 * attempt count counts claims, so a run that keeps crashing its worker still runs
 * out of attempts. Times are UTC (`timestamp without time zone` columns).
 */
export async function claimRuns(prisma: PrismaClient, limit: number, leaseMs: number): Promise<ClaimedRun[]> {
  const token = randomUUID();
  const rows = await prisma.$queryRaw<ClaimRow[]>`
    WITH due AS (
      SELECT r.id FROM automation_runs r
      JOIN automations a ON a.id = r.automation_id
      WHERE r.status = 'pending' AND r.next_attempt_at <= (now() AT TIME ZONE 'UTC') AND a.enabled
      ORDER BY r.next_attempt_at
      LIMIT ${limit}::int
      FOR UPDATE OF r SKIP LOCKED
    ), claimed AS (
      UPDATE automation_runs r
      SET claim_token = ${token}::uuid,
          attempt_count = r.attempt_count + 1,
          started_at = COALESCE(r.started_at, (now() AT TIME ZONE 'UTC')),
          next_attempt_at = (now() AT TIME ZONE 'UTC') + ${leaseMs}::double precision * interval '1 millisecond'
      FROM due WHERE r.id = due.id
      RETURNING r.id, r.attempt_count, r.automation_id, r.event_id, r.event_type, r.event_occurred_at, r.input, r.caused_by
    )
    SELECT c.id::text AS id, c.attempt_count, c.automation_id::text AS automation_id, a.name, a.owner_id::text AS owner_id,
           c.event_id, c.event_type, c.event_occurred_at, c.input, c.caused_by,
           a.action_kind, a.webhook_endpoint_id::text AS webhook_endpoint_id, a.mutation, a.variables,
           a.acting_key_id::text AS acting_key_id
    FROM claimed c JOIN automations a ON a.id = c.automation_id`;
  return rows.map((row) => ({
    id: row.id,
    claimToken: token,
    attemptNumber: Number(row.attempt_count),
    automationId: row.automation_id,
    automationName: row.name,
    ownerId: row.owner_id,
    eventId: row.event_id,
    eventType: row.event_type,
    eventOccurredAt: row.event_occurred_at,
    input: row.input,
    causedBy: row.caused_by ?? [],
    actingKeyId: row.acting_key_id,
    action: actionOf(row),
  }));
}

function actionOf(row: ClaimRow): RunAction {
  if (row.action_kind === 'mutation') return { kind: 'mutation', document: row.mutation ?? '', variables: row.variables ?? {} };
  return { kind: 'webhook', endpointId: row.webhook_endpoint_id };
}
