import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../../prisma/generated/client.ts';
import { recordAttempts } from './attempt-recording.ts';
import type { AttemptEntry, ClaimedDelivery, RecordedAttempt } from './delivery-types.ts';

export type { AttemptEntry, AttemptRecord, ClaimedDelivery, RecordedAttempt } from './delivery-types.ts';

/**
 * The durable queue in SQL that PGlite and Postgres both run. Claiming is one
 * statement: due rows are locked with FOR UPDATE SKIP LOCKED (so concurrent
 * workers take disjoint rows without waiting), then stamped with a claim token
 * and a lease in `next_attempt_at`. A worker that dies leaves the row to come due
 * again when the lease lapses; one that lives records its attempt only while its
 * token still holds the row, so an attempt is never recorded twice. Attempts are
 * recorded in batches, one statement each (attempt-recording.ts).
 * Times are UTC because the columns are `timestamp without time zone`.
 */
export interface DeliveryQueue {
  claim(limit: number): Promise<ClaimedDelivery[]>;
  /** One result per entry, in order. */
  recordMany(entries: readonly AttemptEntry[]): Promise<RecordedAttempt[]>;
}

interface ClaimRow {
  id: string;
  attempt_count: number;
  message_id: string;
  type: string;
  payload: unknown;
  occurred_at: Date;
  endpoint_id: string;
  owner_id: string;
  url: string;
  secret: string;
  previous_secret: string | null;
}

export function deliveryQueue(prisma: PrismaClient, options: { leaseMs: number }): DeliveryQueue {
  return {
    async claim(limit) {
      const token = randomUUID();
      const rows = await prisma.$queryRaw<ClaimRow[]>`
        WITH due AS (
          SELECT d.id FROM webhook_deliveries d
          JOIN webhook_endpoints e ON e.id = d.endpoint_id
          WHERE d.status = 'pending' AND d.next_attempt_at <= (now() AT TIME ZONE 'UTC') AND e.enabled
          ORDER BY d.next_attempt_at
          LIMIT ${limit}::int
          FOR UPDATE OF d SKIP LOCKED
        ), claimed AS (
          UPDATE webhook_deliveries d
          SET claim_token = ${token}::uuid,
              attempt_count = d.attempt_count + 1,
              next_attempt_at = (now() AT TIME ZONE 'UTC') + ${options.leaseMs}::double precision * interval '1 millisecond'
          FROM due WHERE d.id = due.id
          RETURNING d.id, d.attempt_count, d.message_id, d.endpoint_id
        )
        SELECT c.id::text AS id, c.attempt_count, c.message_id, m.type, m.payload, m.occurred_at,
               c.endpoint_id::text AS endpoint_id, e.owner_id::text AS owner_id, e.url, e.secret,
               CASE WHEN e.previous_secret_expires_at > (now() AT TIME ZONE 'UTC') THEN e.previous_secret END AS previous_secret
        FROM claimed c
        JOIN webhook_messages m ON m.id = c.message_id
        JOIN webhook_endpoints e ON e.id = c.endpoint_id`;
      return rows.map((row) => ({
        id: row.id,
        claimToken: token,
        attemptNumber: Number(row.attempt_count),
        messageId: row.message_id,
        eventType: row.type,
        payload: row.payload,
        occurredAt: row.occurred_at,
        endpointId: row.endpoint_id,
        ownerId: row.owner_id,
        url: row.url,
        secrets: row.previous_secret ? [row.secret, row.previous_secret] : [row.secret],
      }));
    },

    recordMany: (entries) => recordAttempts(prisma, entries),
  };
}
