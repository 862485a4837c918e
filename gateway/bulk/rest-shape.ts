import { z } from 'zod';

/** A bulk job as the REST routes answer it (seed 003's snake_case), from the record or a GraphQL result alike. */
export const restBulkOperationSchema = z.object({
  operation_id: z.string(),
  kind: z.enum(['import', 'export']),
  status: z.enum(['receiving', 'queued', 'running', 'completed', 'failed', 'cancelled']),
  format: z.string(),
  mutation: z.string().nullable(),
  filename: z.string().nullable(),
  total_rows: z.number().int(),
  invalid_rows: z.number().int(),
  succeeded_rows: z.number().int(),
  failed_rows: z.number().int(),
  cancelled_rows: z.number().int(),
  error: z.string().nullable(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  completed_at: z.string().nullable(),
  report_url: z.string().nullable(),
});

export type RestBulkOperation = z.infer<typeof restBulkOperationSchema>;

const iso = (value: unknown): string | null => (value instanceof Date ? value.toISOString() : typeof value === 'string' ? value : null);

export const reportPath = (id: string): string => `/api/v1/bulk/operations/${id}/report`;

export function restBulkOperation(operation: Record<string, unknown>): RestBulkOperation {
  const kind = String(operation['kind']).toLowerCase() as RestBulkOperation['kind'];
  const id = String(operation['id']);
  return {
    operation_id: id,
    kind,
    status: String(operation['status']).toLowerCase() as RestBulkOperation['status'],
    format: String(operation['format']),
    mutation: (operation['mutation'] as string | null | undefined) ?? null,
    filename: (operation['filename'] as string | null | undefined) ?? null,
    total_rows: Number(operation['totalRows'] ?? 0),
    invalid_rows: Number(operation['invalidRows'] ?? 0),
    succeeded_rows: Number(operation['succeededRows'] ?? 0),
    failed_rows: Number(operation['failedRows'] ?? 0),
    cancelled_rows: Number(operation['cancelledRows'] ?? 0),
    error: (operation['error'] as string | null | undefined) ?? null,
    created_at: iso(operation['createdAt']) ?? '',
    started_at: iso(operation['startedAt']),
    completed_at: iso(operation['completedAt']),
    report_url: kind === 'import' ? reportPath(id) : ((operation['downloadUrl'] as string | null | undefined) ?? null),
  };
}

/** The GraphQL selection the bridge routes read restBulkOperation from. */
export const BULK_OPERATION_FIELDS = 'id kind status format mutation filename totalRows invalidRows succeededRows failedRows cancelledRows error createdAt startedAt completedAt downloadUrl';
