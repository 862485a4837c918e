import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { stringify } from 'csv-stringify';
import { z } from 'zod';
import type { PrismaClient } from '../../prisma/generated/client.ts';

/** The query of `GET /api/v1/bulk/operations/{id}/report`: the route reads it, the OpenAPI document shows it. */
export const reportQuerySchema = z.object({
  format: z.enum(['csv', 'json']).default('csv').describe('csv: one line per error (a row without errors: one line); json: an array of rows with their errors'),
});

export type ReportFormat = z.infer<typeof reportQuerySchema>['format'];

/** One line per error (a row without errors: one line with both empty); input and result are JSON text. */
export const REPORT_CSV_COLUMNS = ['row_number', 'status', 'column', 'message', 'input', 'result'] as const;

/** One row of the JSON report. */
export const reportRowSchema = z.object({
  rowNumber: z.number().int().describe('1 is the first data row'),
  status: z.enum(['pending', 'running', 'succeeded', 'failed', 'invalid', 'cancelled']),
  errors: z.array(z.object({ column: z.string().nullable(), message: z.string() })).describe('Why the row is invalid or failed; empty otherwise'),
  input: z.unknown().describe("The row as validated: the mutation's arguments (an invalid row: its cells as read)"),
  result: z.unknown().describe("The mutation's data for a row that ran, null before"),
});

/** Rows read per query while a report streams. */
const PAGE = 2000;

type ReportError = { column: string | null; message: string };

async function* reportRows(prisma: PrismaClient, operationId: string) {
  let after = 0;
  for (;;) {
    const rows = await prisma.bulkRow.findMany({ where: { operationId, rowNumber: { gt: after } }, orderBy: { rowNumber: 'asc' }, take: PAGE });
    for (const row of rows) yield row;
    const last = rows.at(-1);
    if (!last || rows.length < PAGE) return;
    after = last.rowNumber;
  }
}

async function send(response: ServerResponse, chunk: string): Promise<void> {
  if (!response.write(chunk)) await once(response, 'drain');
}

/**
 * The per-row report of an import, streamed page by page from the database:
 * CSV (row_number, status, column, message, input, result; one line per error,
 * one line for a row without errors) or a JSON array of rows with their errors.
 */
export async function streamReport(prisma: PrismaClient, operationId: string, format: ReportFormat, response: ServerResponse): Promise<void> {
  response.statusCode = 200;
  response.setHeader('Content-Type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8');
  response.setHeader('Content-Disposition', `attachment; filename="bulk-${operationId}-report.${format}"`);
  if (format === 'json') {
    let first = true;
    await send(response, '[');
    for await (const row of reportRows(prisma, operationId)) {
      const line = JSON.stringify({ rowNumber: row.rowNumber, status: row.status, errors: (row.errors ?? []) as ReportError[], input: row.input, result: row.result ?? null } satisfies z.infer<typeof reportRowSchema>);
      await send(response, first ? line : `,\n${line}`);
      first = false;
    }
    response.end(']');
    return;
  }
  const csv = stringify({ header: true, columns: [...REPORT_CSV_COLUMNS] });
  csv.pipe(response);
  for await (const row of reportRows(prisma, operationId)) {
    const errors = (Array.isArray(row.errors) ? row.errors : []) as ReportError[];
    const common = { row_number: row.rowNumber, status: row.status, input: JSON.stringify(row.input), result: row.result === null ? '' : JSON.stringify(row.result) };
    const lines: Record<(typeof REPORT_CSV_COLUMNS)[number], unknown>[] =
      errors.length === 0 ? [{ ...common, column: '', message: '' }] : errors.map((error) => ({ ...common, column: error.column ?? '', message: error.message }));
    for (const line of lines) if (!csv.write(line)) await once(csv, 'drain');
  }
  csv.end();
  await once(response, 'finish');
}
