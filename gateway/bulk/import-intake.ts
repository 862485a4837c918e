import type { Readable } from 'node:stream';
import { findJsonInputProblem } from '../../core/http/json-input.ts';
import type { GraphQLSchema } from 'graphql';
import { validationError } from '../../core/errors/errors.ts';
import type { Principal } from '../../core/identity/principal.ts';
import type { BulkOperation, Prisma, PrismaClient } from '../../prisma/generated/client.ts';
import { bulkEvent, type BulkEvent } from '../../core/events/bulk-event.ts';
import { resolveMutationTarget } from './mutation-target.ts';
import { coerceRow, type RowError } from './row-coercion.ts';
import { EVENT_COLUMNS, eventSourceOf, type EventRow } from './bulk-queue.ts';
import { readRows, type ImportFormat } from './row-sources.ts';
import { rowKeyOf } from './row-key.ts';

export interface ImportRequest {
  readonly principal: Principal;
  readonly mutation: string;
  readonly mapping: Readonly<Record<string, unknown>>;
  readonly format: ImportFormat;
  readonly filename: string;
  readonly source: Readable;
}

export interface ImportIntakeOptions {
  readonly prisma: PrismaClient;
  /** The API schema of the supergraph the rows will run against. */
  readonly schema: () => GraphQLSchema;
  /** BULK_MAX_ROWS */
  readonly maxRows: number;
  /** JSON_MAX_DEPTH: a row nested deeper is invalid (and not stored as read). */
  readonly maxJsonDepth: number;
  readonly publish: (event: BulkEvent) => Promise<void>;
  readonly recordStatusChange: (event: BulkEvent) => Promise<void>;
}

/** Rows written per statement while the file is read. */
const INSERT_CHUNK = 2000;

interface RowData {
  readonly rowNumber: number;
  readonly status: 'pending' | 'invalid';
  readonly input: unknown;
  readonly errors: readonly RowError[];
}

/** One statement per chunk, the rows as one array per column (as the webhook attempts are recorded). */
async function insertRows(prisma: PrismaClient, operationId: string, rows: readonly RowData[]): Promise<void> {
  await prisma.$executeRaw`
    INSERT INTO bulk_rows (operation_id, row_number, status, input, errors)
    SELECT ${operationId}::uuid, b.row_number, b.status::"BulkRowStatus", b.input::jsonb, b.errors::jsonb
    FROM unnest(
      ${rows.map((row) => row.rowNumber)}::int[],
      ${rows.map((row) => row.status)}::text[],
      ${rows.map((row) => JSON.stringify(row.input ?? {}))}::text[],
      ${rows.map((row) => JSON.stringify(row.errors))}::text[]
    ) AS b(row_number, status, input, errors)`;
}

/**
 * Reads an uploaded file row by row, checks every row against the mutation's
 * input types, and stores them all before any of them runs: the job is created
 * `receiving` (no worker takes it), rows are written in chunks as the upload
 * streams in, and only a file read to its end becomes `queued`. A file that
 * cannot be read to its end (malformed, too large, too many rows) leaves no job.
 */
export function importIntake(options: ImportIntakeOptions) {
  const { prisma } = options;
  return async (request: ImportRequest): Promise<BulkOperation> => {
    const target = resolveMutationTarget(options.schema(), request.mutation, request.mapping);
    const operation = await prisma.bulkOperation.create({
      data: {
        ownerId: request.principal.userId,
        kind: 'import',
        status: 'receiving',
        format: request.format,
        mutation: request.mutation,
        mapping: request.mapping as Prisma.InputJsonObject,
        principal: request.principal as unknown as Prisma.InputJsonObject,
        filename: request.filename.slice(0, 255),
      },
    });
    try {
      let pending: RowData[] = [];
      let total = 0;
      let invalid = 0;
      const add = (rowNumber: number, status: 'pending' | 'invalid', input: unknown, errors: readonly RowError[]) => {
        total += 1;
        if (status === 'invalid') invalid += 1;
        if (total > options.maxRows) throw validationError(`The file has more than ${options.maxRows} rows (BULK_MAX_ROWS)`, 'file');
        pending.push({ rowNumber, status, input, errors });
      };
      for await (const item of readRows(request.format, request.source)) {
        if (item.kind === 'header') {
          for (const entry of target.mapping) {
            if (entry.source.kind === 'column' && !item.columns.includes(entry.source.column)) {
              throw validationError(`The file has no column '${entry.source.column}' (mapped to '${entry.path.join('.')}')`, 'mapping');
            }
          }
          continue;
        }
        const refused = item.kind === 'row' ? findJsonInputProblem(item.cells, options.maxJsonDepth) : null;
        if (item.kind === 'bad') add(item.rowNumber, 'invalid', {}, [{ column: null, message: item.message }]);
        else if (refused) add(item.rowNumber, 'invalid', {}, [{ column: null, message: refused.message }]);
        else {
          const coerced = coerceRow(target, item.cells, rowKeyOf(operation.id, item.rowNumber), options.maxJsonDepth);
          if (coerced.ok) add(item.rowNumber, 'pending', coerced.args, []);
          else add(item.rowNumber, 'invalid', item.cells, coerced.errors);
        }
        if (pending.length >= INSERT_CHUNK) {
          await insertRows(prisma, operation.id, pending);
          pending = [];
        }
      }
      if (pending.length > 0) await insertRows(prisma, operation.id, pending);
      const runnable = total - invalid;
      // Only a job still receiving moves on: one cancelled meanwhile stays cancelled
      // (its cancellation was announced). The event is read in the statement that
      // queued the job, since a worker may take it before a second read.
      const moved = await prisma.$queryRaw<EventRow[]>`
        UPDATE bulk_operations o
        SET status = ${runnable > 0 ? 'queued' : 'completed'}::"BulkOperationStatus",
            total_rows = ${total}::int,
            invalid_rows = ${invalid}::int,
            sequence = o.sequence + 1,
            completed_at = CASE WHEN ${runnable}::int > 0 THEN NULL ELSE (now() AT TIME ZONE 'UTC') END
        WHERE o.id = ${operation.id}::uuid AND o.status = 'receiving'
        RETURNING ${EVENT_COLUMNS}`;
      const row = moved[0];
      if (row) {
        const event = bulkEvent(eventSourceOf(row));
        await options.recordStatusChange(event);
        await options.publish(event);
      }
      const queued = await prisma.bulkOperation.findUniqueOrThrow({ where: { id: operation.id } });
      return queued;
    } catch (error) {
      await prisma.bulkOperation.delete({ where: { id: operation.id } }).catch(() => undefined);
      throw error;
    }
  };
}
