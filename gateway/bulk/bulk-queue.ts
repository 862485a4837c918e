import { randomUUID } from 'node:crypto';
import { Prisma, type PrismaClient } from '../../prisma/generated/client.ts';
import type { BulkEventSource } from '../../core/events/bulk-event.ts';

export interface ClaimedOperation {
  readonly id: string;
  readonly claimToken: string;
  /** The job as this claim left it, when it was queued until then (its `running` is news to subscribers). */
  readonly started: BulkEventSource | null;
}

export interface ClaimedRow {
  readonly rowNumber: number;
  readonly input: Record<string, unknown>;
  /** Above 1: an earlier claim of this row lapsed and whether the row ran is unknown. */
  readonly claims: number;
}

export interface EventRow {
  id: string;
  owner_id: string;
  kind: BulkEventSource['kind'];
  status: BulkEventSource['status'];
  sequence: number;
  total_rows: number;
  invalid_rows: number;
  succeeded_rows: number;
  failed_rows: number;
  cancelled_rows: number;
  error: string | null;
}

/**
 * The columns an event reports, read in the statement that changed them: a job's
 * events must carry the sequence their own change gave it, and a second read
 * could see a later change made meanwhile by another replica's worker.
 */
export const EVENT_COLUMNS = Prisma.sql`o.id::text AS id, o.owner_id::text AS owner_id, o.kind::text AS kind, o.status::text AS status, o.sequence,
  o.total_rows, o.invalid_rows, o.succeeded_rows, o.failed_rows, o.cancelled_rows, o.error`;

export const eventSourceOf = (row: EventRow): BulkEventSource => ({
  id: row.id,
  ownerId: row.owner_id,
  kind: row.kind,
  status: row.status,
  sequence: Number(row.sequence),
  totalRows: Number(row.total_rows),
  invalidRows: Number(row.invalid_rows),
  succeededRows: Number(row.succeeded_rows),
  failedRows: Number(row.failed_rows),
  cancelledRows: Number(row.cancelled_rows),
  error: row.error,
});

export interface RowOutcome {
  readonly rowNumber: number;
  /** `pending`: the row did not run (a row before it failed the batch); it goes back to the queue. */
  readonly status: 'succeeded' | 'failed' | 'pending';
  readonly result: unknown;
  readonly errors: ReadonlyArray<{ column: string | null; message: string }>;
}

/**
 * The bulk jobs' durable queue, in SQL that PGlite and Postgres both run, as the
 * webhook deliveries' is. A job is claimed by one worker at a time with
 * FOR UPDATE SKIP LOCKED and a lease (`lease_until`) it renews with every batch;
 * a worker that dies leaves the job to be taken again when the lease lapses.
 * Rows are claimed the same way and stamped with the job's claim token; a batch's
 * outcomes and the job's counters are written in one statement, and only while
 * that token still holds both, so a row's outcome is recorded once.
 * Times are UTC because the columns are `timestamp without time zone`.
 */
export function bulkQueue(prisma: PrismaClient, options: { leaseMs: number }) {
  const lease = options.leaseMs;
  return {
    async claimOperation(): Promise<ClaimedOperation | null> {
      const token = randomUUID();
      const rows = await prisma.$queryRaw<Array<EventRow & { was: string }>>`
        WITH next AS (
          SELECT id, status::text AS was FROM bulk_operations
          WHERE status IN ('queued', 'running')
            AND (lease_until IS NULL OR lease_until < (now() AT TIME ZONE 'UTC'))
            AND (not_before IS NULL OR not_before <= (now() AT TIME ZONE 'UTC'))
          ORDER BY created_at
          LIMIT 1
          FOR UPDATE SKIP LOCKED
        )
        UPDATE bulk_operations o
        SET claim_token = ${token}::uuid,
            lease_until = (now() AT TIME ZONE 'UTC') + ${lease}::double precision * interval '1 millisecond',
            status = 'running',
            not_before = NULL,
            started_at = COALESCE(o.started_at, (now() AT TIME ZONE 'UTC')),
            sequence = o.sequence + CASE WHEN next.was = 'queued' THEN 1 ELSE 0 END
        FROM next WHERE o.id = next.id
        RETURNING next.was, ${EVENT_COLUMNS}`;
      const row = rows[0];
      return row ? { id: row.id, claimToken: token, started: row.was === 'queued' ? eventSourceOf(row) : null } : null;
    },

    /** The next rows in row order; rows still `running` under an earlier claim of the job are taken back (in doubt). */
    async claimRows(operation: ClaimedOperation, limit: number): Promise<ClaimedRow[]> {
      const rows = await prisma.$queryRaw<Array<{ row_number: number; input: Record<string, unknown>; claims: number }>>`
        WITH due AS (
          SELECT r.operation_id, r.row_number FROM bulk_rows r
          WHERE r.operation_id = ${operation.id}::uuid AND r.status IN ('pending', 'running')
            AND EXISTS (SELECT 1 FROM bulk_operations o WHERE o.id = r.operation_id AND o.claim_token = ${operation.claimToken}::uuid AND o.status = 'running')
          ORDER BY r.row_number
          LIMIT ${limit}::int
          FOR UPDATE OF r SKIP LOCKED
        )
        UPDATE bulk_rows r
        SET status = 'running', claim_token = ${operation.claimToken}::uuid, claims = r.claims + 1
        FROM due WHERE r.operation_id = due.operation_id AND r.row_number = due.row_number
        RETURNING r.row_number, r.input, r.claims`;
      return rows.map((row) => ({ rowNumber: Number(row.row_number), input: row.input, claims: Number(row.claims) })).sort((a, b) => a.rowNumber - b.rowNumber);
    },

    /**
     * Records a batch's outcomes and advances the job's counters in one statement
     * (one transaction), renewing the lease. Returns the job's status, or null when
     * this claim no longer holds the job (nothing was written then).
     */
    async record(operation: ClaimedOperation, outcomes: readonly RowOutcome[]): Promise<BulkEventSource | null> {
      const column = <T>(read: (outcome: RowOutcome) => T): T[] => outcomes.map(read);
      const rows = await prisma.$queryRaw<EventRow[]>`
        WITH held AS (
          SELECT id FROM bulk_operations WHERE id = ${operation.id}::uuid AND claim_token = ${operation.claimToken}::uuid
        ), batch AS (
          SELECT * FROM unnest(
            ${column((o) => o.rowNumber)}::int[],
            ${column((o) => o.status)}::text[],
            ${column((o) => JSON.stringify(o.result ?? null))}::text[],
            ${column((o) => JSON.stringify(o.errors))}::text[]
          ) AS b(row_number, status, result, errors)
        ), done AS (
          UPDATE bulk_rows r
          SET status = b.status::"BulkRowStatus", result = b.result::jsonb, errors = b.errors::jsonb, claim_token = NULL,
              claims = CASE WHEN b.status = 'pending' THEN r.claims - 1 ELSE r.claims END
          FROM batch b, held
          WHERE r.operation_id = held.id AND r.row_number = b.row_number
            AND r.claim_token = ${operation.claimToken}::uuid AND r.status = 'running'
          RETURNING b.status
        ), counts AS (
          SELECT count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded, count(*) FILTER (WHERE status = 'failed')::int AS failed FROM done
        )
        UPDATE bulk_operations o
        SET succeeded_rows = o.succeeded_rows + counts.succeeded,
            failed_rows = o.failed_rows + counts.failed,
            sequence = o.sequence + 1,
            lease_until = (now() AT TIME ZONE 'UTC') + ${lease}::double precision * interval '1 millisecond'
        FROM counts, held WHERE o.id = held.id
        RETURNING ${EVENT_COLUMNS}`;
      const row = rows[0];
      return row ? eventSourceOf(row) : null;
    },

    /** Ends a claim: a running job is completed or failed; returns it as this made it, or null when the claim no longer held it. */
    async finish(
      operation: ClaimedOperation,
      outcome: { status: 'completed' | 'failed'; error?: string; storageKey?: string; sizeBytes?: number; totalRows?: number } = { status: 'completed' },
    ): Promise<BulkEventSource | null> {
      const rows = await prisma.$queryRaw<EventRow[]>`
        UPDATE bulk_operations o
        SET status = ${outcome.status}::"BulkOperationStatus",
            error = ${outcome.error ?? null},
            storage_key = COALESCE(${outcome.storageKey ?? null}, storage_key),
            size_bytes = COALESCE(${outcome.sizeBytes ?? null}::int, size_bytes),
            total_rows = COALESCE(${outcome.totalRows ?? null}::int, total_rows),
            succeeded_rows = COALESCE(${outcome.totalRows ?? null}::int, succeeded_rows),
            completed_at = (now() AT TIME ZONE 'UTC'),
            claim_token = NULL, lease_until = NULL,
            sequence = sequence + 1
        WHERE id = ${operation.id}::uuid AND claim_token = ${operation.claimToken}::uuid AND status = 'running'
        RETURNING ${EVENT_COLUMNS}`;
      const row = rows[0];
      if (!row) await this.release(operation);
      return row ? eventSourceOf(row) : null;
    },

    /** Gives the job back, to be taken again at once or not before `delayMs` (rate limited). */
    async release(operation: ClaimedOperation, delayMs = 0): Promise<void> {
      await prisma.$executeRaw`
        UPDATE bulk_operations
        SET claim_token = NULL, lease_until = NULL,
            not_before = CASE WHEN ${delayMs}::int > 0 THEN (now() AT TIME ZONE 'UTC') + ${delayMs}::double precision * interval '1 millisecond' ELSE NULL END
        WHERE id = ${operation.id}::uuid AND claim_token = ${operation.claimToken}::uuid`;
    },

    /** Renews the lease of a job whose work is not row by row (an export). False when it was lost or cancelled. */
    async renew(operation: ClaimedOperation): Promise<boolean> {
      const count = await prisma.$executeRaw`
        UPDATE bulk_operations
        SET lease_until = (now() AT TIME ZONE 'UTC') + ${lease}::double precision * interval '1 millisecond'
        WHERE id = ${operation.id}::uuid AND claim_token = ${operation.claimToken}::uuid AND status = 'running'`;
      return count === 1;
    },
  };
}

export type BulkQueue = ReturnType<typeof bulkQueue>;
