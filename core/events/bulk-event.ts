import type { BulkOperationPayload, PlatformEvent } from '../../schema/events.ts';
import { platformEvent } from './event-bus.ts';

export type BulkEvent = PlatformEvent<'bulk.operation_updated'>;

/** The columns of a bulk job an event reports (a stored `BulkOperation` has them all). */
export type BulkEventSource = Omit<BulkOperationPayload, 'operationId'> & { readonly id: string; readonly ownerId: string };

/** The event of a job as it now stands. */
export function bulkEvent(operation: BulkEventSource): BulkEvent {
  return platformEvent('bulk.operation_updated', operation.ownerId, {
    operationId: operation.id,
    kind: operation.kind,
    status: operation.status,
    sequence: operation.sequence,
    totalRows: operation.totalRows,
    invalidRows: operation.invalidRows,
    succeededRows: operation.succeededRows,
    failedRows: operation.failedRows,
    cancelledRows: operation.cancelledRows,
    error: operation.error,
  });
}
