import { BULK_EXPORT_CONTENT_PATH, exportLinkQuerySchema } from '../../core/signatures/bulk-links.ts';
import { reportQuerySchema } from '../../gateway/bulk/report-stream.ts';
import type { EdgeRouteDoc } from './openapi-document.ts';

/** The bulk routes that read or write files (gateway/bulk/bulk-routes.ts), for the same document as the bridge routes. */
export const BULK_ROUTE_DOCS: readonly EdgeRouteDoc[] = [
  {
    method: 'POST',
    path: '/api/v1/bulk/import',
    tag: 'ubp',
    auth: 'required',
    summary:
      'Import a CSV, JSON (array of objects) or XLSX file: each row runs the named mutation as the caller. Send the fields first, then the file; every row is validated before any runs (202 with the counts; 413 past BULK_MAX_BYTES)',
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
    responseMediaTypes: ['text/csv', 'application/json'],
    successStatus: 200,
  },
  {
    method: 'GET',
    path: '/api/v1/bulk/operations/{id}/download',
    pathParameters: { id: 'The bulk operation (its operation_id)' },
    tag: 'ubp',
    auth: 'required',
    summary: "A finished export's file, for its owner",
    responseMediaTypes: ['text/csv', 'application/jsonl', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    successStatus: 200,
  },
  {
    method: 'GET',
    path: BULK_EXPORT_CONTENT_PATH,
    query: exportLinkQuerySchema,
    tag: 'ubp',
    auth: 'signature',
    summary: "A finished export's file through the signed, expiring link of BulkOperation.downloadUrl (id, expires, signature)",
    responseMediaTypes: ['text/csv', 'application/jsonl', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    successStatus: 200,
  },
];
