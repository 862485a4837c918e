import { z } from 'zod';
import { BULK_OPERATION_FIELDS, restBulkOperation, restBulkOperationSchema } from '../../gateway/bulk/rest-shape.ts';
import { ok, route, type BridgeOutcome, type BridgeRoute } from '../bridge-route.ts';

const pageSchema = z.object({ total: z.number().int(), items: z.array(restBulkOperationSchema), next_cursor: z.string().nullable() });

const notFoundOutcome = (id: string | undefined): BridgeOutcome => ({ kind: 'error', code: 'RESOURCE_NOT_FOUND', message: `Bulk operation '${id}' not found` });

/**
 * UBP bulk operations (seed 003) over the bulk subgraph. The multipart
 * `POST /api/v1/bulk/import` and the report and file downloads are edge routes
 * (gateway/bulk/bulk-routes.ts): they read files, not JSON bodies.
 */
export const BULK_ROUTES: readonly BridgeRoute[] = [
  route({
    method: 'GET',
    path: '/api/v1/bulk/operations',
    tag: 'ubp',
    summary: "The caller's bulk imports and exports, newest first; `after` continues from `next_cursor`",
    query: z.object({
      kind: z.enum(['import', 'export']).optional(),
      status: z.enum(['receiving', 'queued', 'running', 'completed', 'failed', 'cancelled']).optional(),
      per_page: z.coerce.number().int().min(1).max(100).default(20),
      after: z.string().optional(),
    }),
    response: pageSchema,
    operation: ({ query }) => ({
      document: `query RestBulkOperations($kind: BulkOperationKind, $status: BulkOperationStatus, $first: Int, $after: String) { bulkOperations(kind: $kind, status: $status, first: $first, after: $after) { nodes { ${BULK_OPERATION_FIELDS} } pageInfo { endCursor hasNextPage } } }`,
      variables: { kind: query.kind?.toUpperCase() ?? null, status: query.status?.toUpperCase() ?? null, first: query.per_page, after: query.after ?? null },
    }),
    result: ({ bulkOperations }) => ({
      total: bulkOperations.nodes.length,
      items: bulkOperations.nodes.map(restBulkOperation),
      next_cursor: bulkOperations.pageInfo.hasNextPage ? bulkOperations.pageInfo.endCursor : null,
    }),
  }),
  route({
    method: 'GET',
    path: '/api/v1/bulk/operations/{id}',
    tag: 'ubp',
    summary: 'One bulk operation: status, counters, and where its report or file is',
    response: restBulkOperationSchema,
    operation: ({ params }) => ({ document: `query RestBulkOperation($id: ID!) { bulkOperation(id: $id) { ${BULK_OPERATION_FIELDS} } }`, variables: { id: params['id'] } }),
    result: ({ bulkOperation }, { params }) => (bulkOperation ? restBulkOperation(bulkOperation) : notFoundOutcome(params['id'])),
  }),
  route({
    method: 'POST',
    path: '/api/v1/bulk/operations/{id}/cancel',
    tag: 'ubp',
    summary: 'Cancel a queued or running bulk operation; rows in flight finish, the rest are cancelled',
    response: restBulkOperationSchema,
    operation: ({ params }) => ({ document: `mutation RestCancelBulkOperation($id: ID!) { cancelBulkOperation(id: $id) { ${BULK_OPERATION_FIELDS} } }`, variables: { id: params['id'] } }),
    result: ({ cancelBulkOperation }) => ok(restBulkOperation(cancelBulkOperation), 200, 'Cancelled'),
  }),
  route({
    method: 'POST',
    path: '/api/v1/bulk/operations/{id}/retry',
    tag: 'ubp',
    summary: 'Queue the failed rows of a finished import again',
    response: restBulkOperationSchema,
    successStatus: 202,
    operation: ({ params }) => ({ document: `mutation RestRetryBulkRows($id: ID!) { retryFailedBulkRows(id: $id) { ${BULK_OPERATION_FIELDS} } }`, variables: { id: params['id'] } }),
    result: ({ retryFailedBulkRows }) => ok(restBulkOperation(retryFailedBulkRows), 202, 'Failed rows queued again'),
  }),
  route({
    method: 'POST',
    path: '/api/v1/bulk/export',
    tag: 'ubp',
    summary: "Export a query's result as CSV, JSON lines or XLSX, run as the caller; a connection with an `$after` variable is paged through",
    body: z.object({ query: z.string().min(1), variables: z.record(z.string(), z.unknown()).optional(), format: z.enum(['csv', 'jsonl', 'xlsx']) }),
    response: restBulkOperationSchema,
    successStatus: 202,
    operation: ({ body }) => ({
      document: `mutation RestStartBulkExport($input: StartBulkExportInput!) { startBulkExport(input: $input) { ${BULK_OPERATION_FIELDS} } }`,
      variables: { input: { query: body.query, variables: body.variables ?? null, format: String(body.format ?? '').toUpperCase() } },
    }),
    result: ({ startBulkExport }) => ok(restBulkOperation(startBulkExport), 202, 'Export queued'),
  }),
];
