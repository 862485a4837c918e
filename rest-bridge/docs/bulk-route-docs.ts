import { BULK_EXPORT_CONTENT_PATH, exportLinkQuerySchema } from '../../core/signatures/bulk-links.ts';
import { REPORT_CSV_COLUMNS, reportQuerySchema, reportRowSchema } from '../../gateway/bulk/report-stream.ts';
import { z } from 'zod';
import { EXPORT_FILES } from '../../gateway/bulk/export-writer.ts';
import { restBulkOperationSchema } from '../../gateway/bulk/rest-shape.ts';
import type { EdgeBody, EdgeRouteDoc } from './edge-route-doc.ts';

/** An export's file in its format (the job's `format`), by media type. */
const EXPORT_FILE_BODIES: Readonly<Record<string, EdgeBody>> = Object.fromEntries(
  Object.entries(EXPORT_FILES).map(([format, file]): [string, EdgeBody] => [
    file.contentType.split(';')[0] ?? file.contentType,
    file.binary ? { text: `format=${format}: ${file.holds}`, binary: true } : { text: `format=${format}: ${file.holds}` },
  ]),
);

/** The bulk routes that read or write files (gateway/bulk/bulk-routes.ts), for the same document as the bridge routes. */
export const BULK_ROUTE_DOCS: readonly EdgeRouteDoc[] = [
  {
    method: 'POST',
    path: '/api/v1/bulk/import',
    tag: 'ubp',
    auth: 'required',
    summary:
      'Import a CSV, JSON (array of objects) or XLSX file: each row runs the named mutation as the caller. Send the fields first, then the file; every row is validated before any runs (202 with the counts; 413 past BULK_MAX_BYTES)',
    description:
      "Needs the write:bulk scope. Send `mutation` and `mapping` (and optionally `format`) before the file part: the gateway streams the file, checks every row against the mutation's arguments in the supergraph and stores the rows, before any row runs. 202 with the job (total and invalid rows counted; status queued, or completed when no row is valid); workers then run each row as the caller, and GET /api/v1/bulk/operations/{id} follows it. 400 names a missing or bad field (the fields come before the file) or a file of more than BULK_MAX_ROWS rows; 413 past BULK_MAX_BYTES.",
    requestBody: {
      mediaType: 'multipart/form-data',
      schema: {
        type: 'object',
        required: ['mutation', 'mapping', 'file'],
        properties: {
          mutation: { type: 'string', description: 'A mutation field path of the supergraph, e.g. fundraising.request' },
          mapping: { type: 'string', description: 'JSON object: argument path -> column ($rowKey passes the row idempotency key)' },
          format: { enum: ['csv', 'json', 'xlsx'], description: 'Default: from the file name' },
          file: { type: 'string', contentMediaType: 'application/octet-stream' },
        },
      },
    },
    success: { 'application/json': { envelope: restBulkOperationSchema } },
    successStatus: 202,
  },
  {
    method: 'GET',
    path: '/api/v1/bulk/operations/{id}/report',
    pathParameters: { id: 'The bulk operation (its operation_id)' },
    query: reportQuerySchema,
    tag: 'ubp',
    auth: 'required',
    summary: "An import's per-row report (row number, status, column, message, input, result), streamed; `?format=csv` (default) or `json`",
    description:
      "Needs the read:bulk scope; the job's owner or an admin (another user's job is 404). Only imports have a report (400 for an export: download its file). Streamed from the database page by page as a download (Content-Disposition: attachment), so a report of a million rows does not sit in memory.",
    success: {
      'text/csv': { text: `format=csv: a header (${REPORT_CSV_COLUMNS.join(', ')}), then one line per error of a row, or one line with column and message empty for a row without errors; input and result are JSON text` },
      'application/json': { json: z.array(reportRowSchema).describe('format=json: every row in order, with its errors') },
    },
    successStatus: 200,
  },
  {
    method: 'GET',
    path: '/api/v1/bulk/operations/{id}/download',
    pathParameters: { id: 'The bulk operation (its operation_id)' },
    tag: 'ubp',
    auth: 'required',
    summary: "A finished export's file, for its owner",
    description:
      "Needs the read:bulk scope; the job's owner or an admin. The file in the export's format (csv, jsonl or xlsx) as a download; 400 while the export has not completed, 404 when its file is gone. GET /api/v1/bulk/exports/content serves the same file to whoever holds the signed link.",
    success: EXPORT_FILE_BODIES,
    successStatus: 200,
  },
  {
    method: 'GET',
    path: BULK_EXPORT_CONTENT_PATH,
    query: exportLinkQuerySchema,
    tag: 'ubp',
    auth: 'signature',
    summary: "A finished export's file through the signed, expiring link of BulkOperation.downloadUrl (id, expires, signature)",
    description:
      "The link (BulkOperation.downloadUrl, or report_url of an export) is the credential: no token or key is needed, so it can be handed to a tool that holds none. 401 when the link was altered, forged or has expired; 400 while the export has not completed.",
    success: EXPORT_FILE_BODIES,
    successStatus: 200,
  },
];
