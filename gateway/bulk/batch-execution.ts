import type { GraphQLFormattedError } from 'graphql';
import { contractCodeOf } from '../../core/errors/errors.ts';
import type { Principal } from '../../core/identity/principal.ts';
import type { BulkOperation } from '../../prisma/generated/client.ts';
import { edgeContext } from '../executor/edge-context.ts';
import { batchDocument, type BatchDocument } from './batch-document.ts';
import type { ClaimedRow, RowOutcome } from './bulk-queue.ts';
import { BULK_CLIENT_ADDRESS, type BulkRuntime } from './bulk-runtime.ts';
import type { MutationTarget } from './mutation-target.ts';

const IN_DOUBT =
  'The gateway stopped while this row ran, so whether it took effect is unknown; it was not run again. ' +
  'Retry failed rows to run it once more, or map $rowKey to an argument the mutation recognises so such rows are re-run safely.';

const messageOf = (error: GraphQLFormattedError): string => `${contractCodeOf(error) ?? 'ERROR'}: ${error.message}`;

/** 493 → [256, 128, 64, 32, 8, 4, 1]: every chunk has a power-of-two size, so a target needs at most log2(batch) + 1 documents planned. */
export function chunkSizes(count: number): number[] {
  const sizes: number[] = [];
  for (let bit = 1 << 30; bit >= 1; bit >>= 1) if (count & bit) sizes.push(bit);
  return sizes;
}

const pushedBack = (row: ClaimedRow): RowOutcome => ({ rowNumber: row.rowNumber, status: 'pending', result: null, errors: [] });

/**
 * Executes claimed rows in row order as one operation per power-of-two chunk
 * (planning a 500-field mutation costs seconds; its plan is then reused by every
 * batch of that size). A row whose error nulls the operation's data (a non-null
 * field) ends the serial execution there: the rows before it ran (their results
 * are lost), the rows after it did not, and they and the later chunks go back to
 * the queue for the next batch.
 */
export function batchRunner(runtime: BulkRuntime, operation: BulkOperation, principal: Principal, target: MutationTarget) {
  const documents = new Map<number, BatchDocument & { marked: string }>();
  const documentOf = (size: number) => {
    let batch = documents.get(size);
    if (!batch) {
      const built = batchDocument(target, size);
      batch = { ...built, marked: runtime.edgeDocuments.mark(built.document) };
      documents.set(size, batch);
    }
    return batch;
  };

  const runChunk = async (chunk: readonly ClaimedRow[]): Promise<{ outcomes: RowOutcome[]; stopped: boolean }> => {
    const batch = documentOf(chunk.length);
    const variables = Object.assign({}, ...chunk.map((row, index) => batch.variablesOf(index, row.input))) as Record<string, unknown>;
    const context = edgeContext(principal, `bulk_${operation.id}_${chunk[0]?.rowNumber ?? 0}`, BULK_CLIENT_ADDRESS, runtime.sign);
    let data: Record<string, unknown> | null = null;
    let errors: readonly GraphQLFormattedError[];
    try {
      ({ data, errors } = await runtime.execute(batch.marked, variables, context, 'BulkImportBatch'));
    } catch (error) {
      runtime.logger.error({ err: error, operationId: operation.id }, 'a bulk batch could not run');
      errors = [{ message: 'the batch could not run', extensions: { code: 'INTERNAL_ERROR' } }];
    }
    const rowErrors = new Map<number, string[]>();
    const whole: string[] = [];
    for (const error of errors) {
      const index = batch.rowOfError(error.path);
      if (index === null) whole.push(messageOf(error));
      else rowErrors.set(index, [...(rowErrors.get(index) ?? []), messageOf(error)]);
    }
    const firstFailed = data === null && rowErrors.size > 0 ? Math.min(...rowErrors.keys()) : null;
    const outcomes = chunk.map((row, index): RowOutcome => {
      const messages = [...whole, ...(rowErrors.get(index) ?? [])];
      if (messages.length > 0) return { rowNumber: row.rowNumber, status: 'failed', result: null, errors: messages.map((message) => ({ column: null, message })) };
      if (firstFailed !== null && index > firstFailed) return pushedBack(row);
      return { rowNumber: row.rowNumber, status: 'succeeded', result: batch.resultOf(data, index), errors: [] };
    });
    return { outcomes, stopped: firstFailed !== null };
  };

  return async (rows: readonly ClaimedRow[]): Promise<RowOutcome[]> => {
    const outcomes: RowOutcome[] = [];
    // A row claimed before by a worker that died may have run: only a mutation given the row key can tell.
    const runnable = rows.filter((row) => {
      if (row.claims <= 1 || target.passesRowKey) return true;
      outcomes.push({ rowNumber: row.rowNumber, status: 'failed', result: null, errors: [{ column: null, message: IN_DOUBT }] });
      return false;
    });
    let offset = 0;
    let stopped = false;
    for (const size of chunkSizes(runnable.length)) {
      const chunk = runnable.slice(offset, offset + size);
      offset += size;
      if (stopped) {
        outcomes.push(...chunk.map(pushedBack));
        continue;
      }
      const ran = await runChunk(chunk);
      outcomes.push(...ran.outcomes);
      stopped = ran.stopped;
    }
    return outcomes;
  };
}
