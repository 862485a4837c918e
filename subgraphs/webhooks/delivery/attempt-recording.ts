import type { PrismaClient } from '../../../prisma/generated/client.ts';
import type { AttemptEntry, RecordedAttempt } from './delivery-types.ts';

export type { AttemptEntry } from './delivery-types.ts';

/**
 * Postgres text cannot hold NUL, and a receiver's body may: left in, the statement
 * fails, the attempt is never recorded and the delivery is sent again at every
 * lease lapse. U+FFFD marks where the byte was.
 */
const storable = (text: string | null): string | null => (text === null || !text.includes('\u0000') ? text : text.replaceAll('\u0000', '\uFFFD'));

/**
 * Records a batch of attempts in one statement, whatever its size: the rows go as
 * one array per column, unnested by the database (as the usage sink does), so the
 * round trip, the parse and the plan are paid once per batch instead of once per
 * attempt. Per attempt it does what a single record did: the delivery row is
 * updated only while the attempt's claim token still holds it, an attempt row is
 * logged for each delivery so updated, and the endpoint's `failing_since` is
 * written only when a run of failures starts or ends.
 *
 * Within a batch, attempts apply in the order they started, so one endpoint's
 * several attempts leave it as their sequence would: failing since the first
 * failure after its last success, or healthy when the latest attempt succeeded.
 * Returns one result per entry, in the entries' order.
 */
export async function recordAttempts(prisma: PrismaClient, entries: readonly AttemptEntry[]): Promise<RecordedAttempt[]> {
  if (entries.length === 0) return [];
  const ordered = [...entries].sort((a, b) => a.attempt.startedAt.getTime() - b.attempt.startedAt.getTime());
  const column = <T>(read: (entry: AttemptEntry) => T): T[] => ordered.map(read);
  const rows = await prisma.$queryRaw<Array<{ id: string; claim_token: string; failing_since_before: Date | null }>>`
    WITH batch AS (
      SELECT * FROM unnest(
        ${column((e) => e.delivery.id)}::uuid[],
        ${column((e) => e.delivery.claimToken)}::uuid[],
        ${column((e) => e.delivery.attemptNumber)}::int[],
        ${column((e) => e.attempt.next.status)}::text[],
        ${column((e) => (e.attempt.next.status === 'pending' ? e.attempt.next.delayMs : 0))}::float8[],
        ${column((e) => e.attempt.startedAt.toISOString())}::timestamp(3)[],
        ${column((e) => e.attempt.durationMs)}::int[],
        ${column((e) => e.attempt.succeeded)}::boolean[],
        ${column((e) => e.attempt.responseStatus)}::int[],
        ${column((e) => storable(e.attempt.responseExcerpt))}::text[],
        ${column((e) => storable(e.attempt.error))}::text[]
      ) WITH ORDINALITY AS b(id, claim_token, attempt_number, status, delay_ms, started_at, duration_ms, succeeded, response_status, response_excerpt, error, ord)
    ), done AS (
      UPDATE webhook_deliveries d
      SET status = b.status::"WebhookDeliveryStatus",
          claim_token = NULL,
          next_attempt_at = (now() AT TIME ZONE 'UTC') + b.delay_ms * interval '1 millisecond',
          last_attempt_at = b.started_at,
          last_response_status = b.response_status,
          last_error = b.error,
          completed_at = CASE WHEN b.status = 'pending' THEN NULL ELSE (now() AT TIME ZONE 'UTC') END
      FROM batch b
      WHERE d.id = b.id AND d.claim_token = b.claim_token
      RETURNING d.id, d.endpoint_id, b.claim_token, b.ord
    ), logged AS (
      INSERT INTO webhook_attempts (id, delivery_id, attempt_number, started_at, duration_ms, succeeded, response_status, response_excerpt, error)
      SELECT gen_random_uuid(), b.id, b.attempt_number, b.started_at, b.duration_ms, b.succeeded, b.response_status, b.response_excerpt, b.error
      FROM done JOIN batch b ON b.ord = done.ord
    ), recorded AS (
      SELECT done.endpoint_id, b.ord, b.started_at, b.succeeded FROM done JOIN batch b ON b.ord = done.ord
    ), per_endpoint AS (
      SELECT endpoint_id, max(ord) FILTER (WHERE succeeded) AS last_success FROM recorded GROUP BY endpoint_id
    ), failing AS (
      -- run_start: the first failure after the batch's last success (null when that success is the latest attempt).
      SELECT p.endpoint_id, p.last_success IS NOT NULL AS recovered,
             (SELECT min(r.started_at) FROM recorded r
              WHERE r.endpoint_id = p.endpoint_id AND r.ord > COALESCE(p.last_success, 0)) AS run_start
      FROM per_endpoint p
    ), endpoint AS (
      -- Written only when the run of failures starts or ends: a busy endpoint's row is not a hot spot.
      UPDATE webhook_endpoints e
      SET failing_since = CASE WHEN f.recovered THEN f.run_start ELSE COALESCE(e.failing_since, f.run_start) END
      FROM failing f
      WHERE e.id = f.endpoint_id
        AND e.failing_since IS DISTINCT FROM (CASE WHEN f.recovered THEN f.run_start ELSE COALESCE(e.failing_since, f.run_start) END)
    )
    -- The statement's snapshot: the endpoint as it was before this batch.
    SELECT done.id::text AS id, done.claim_token::text AS claim_token, e.failing_since AS failing_since_before
    FROM done JOIN webhook_endpoints e ON e.id = done.endpoint_id`;

  // By delivery and claim: a stale claim's attempt in the same batch as the current one is not recorded.
  const keyOf = (id: string, claimToken: string) => `${id} ${claimToken}`;
  const before = new Map(rows.map((row) => [keyOf(row.id, row.claim_token), row.failing_since_before]));
  // Replays the statement's rule per endpoint so each failed attempt learns when its run of failures began.
  const failingSince = new Map<string, Date | null>();
  const results = new Map<AttemptEntry, RecordedAttempt>();
  for (const entry of ordered) {
    const key = keyOf(entry.delivery.id, entry.delivery.claimToken);
    if (!before.has(key)) {
      results.set(entry, { recorded: false, failingSince: null });
      continue;
    }
    const { endpointId } = entry.delivery;
    const current = failingSince.has(endpointId) ? (failingSince.get(endpointId) ?? null) : (before.get(key) ?? null);
    const next = entry.attempt.succeeded ? null : (current ?? entry.attempt.startedAt);
    failingSince.set(endpointId, next);
    results.set(entry, { recorded: true, failingSince: next });
  }
  return entries.map((entry) => results.get(entry) ?? { recorded: false, failingSince: null });
}
