import { missingScope, notFound, unauthenticated, validationError } from '../../core/errors/errors.ts';
import { successEnvelope } from '../../core/http/envelope.ts';
import { decodePathParameter } from '../../core/http/unsafe-strings.ts';
import type { Exchange, RouteTable, Router } from '../../core/http/exchange.ts';
import { sendErrorEnvelope, sendJson } from '../../core/http/respond.ts';
import type { Principal } from '../../core/identity/principal.ts';
import { BULK_EXPORT_CONTENT_PATH, operationIdFromExportLink } from '../../core/signatures/bulk-links.ts';
import type { Scope } from '../../schema/scopes.ts';
import type { BulkOperation, PrismaClient } from '../../prisma/generated/client.ts';
import type { EdgeSteps } from '../edge/edge-steps.ts';
import type { UploadStore } from '../uploads/upload-store.ts';
import type { ImportRequest } from './import-intake.ts';
import { receiveOneFile } from '../uploads/multipart-file.ts';
import { reportQuerySchema, streamReport } from './report-stream.ts';
import { restBulkOperation } from './rest-shape.ts';
import { importFormatOf } from './row-sources.ts';
import { EXPORT_FILES, type ExportFormat } from './export-writer.ts';

export const BULK_IMPORT_PATH = '/api/v1/bulk/import';

export interface BulkRouteOptions {
  readonly prisma: PrismaClient;
  readonly intake: (request: ImportRequest) => Promise<BulkOperation>;
  /** BULK_MAX_BYTES */
  readonly maxBytes: number;
  readonly exportFiles: UploadStore;
  /** Signs the export links (the /v1 secret). */
  readonly secret: Uint8Array;
}

/** These routes read files and rows themselves, so they ask for the scope the bulk subgraph's rules would. */
function requireScope(principal: Principal | null, scope: Scope): Principal {
  if (!principal) throw unauthenticated();
  if (!principal.scopes.includes(scope)) throw missingScope(scope);
  return principal;
}

function mappingOf(raw: string | undefined): Record<string, unknown> {
  if (raw === undefined) throw validationError("Missing field 'mapping' (a JSON object: argument path -> column), sent before the file", 'mapping');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw validationError("Invalid 'mapping': not JSON", 'mapping');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw validationError("Invalid 'mapping': expected a JSON object", 'mapping');
  return parsed as Record<string, unknown>;
}

/** The job, when the caller may see it; another owner's job is not found, as for every other record. */
async function visibleOperation(prisma: PrismaClient, principal: Principal, id: string): Promise<BulkOperation> {
  const operation = /^[0-9a-f-]{36}$/i.test(id) ? await prisma.bulkOperation.findUnique({ where: { id } }) : null;
  if (!operation || (principal.tier !== 'admin' && operation.ownerId !== principal.userId)) throw notFound(`Bulk operation '${id}' not found`);
  return operation;
}

async function sendExportFile(exchange: Exchange, files: UploadStore, operation: BulkOperation): Promise<void> {
  if (operation.kind !== 'export' || operation.status !== 'completed' || !operation.storageKey) throw validationError(`Bulk operation '${operation.id}' has no file to download (yet)`, 'id');
  const content = await files.open(operation.storageKey);
  if (!content) throw notFound(`The file of bulk operation '${operation.id}' is gone`);
  const { response } = exchange;
  const extension = operation.format;
  response.statusCode = 200;
  // Exports are only ever made in the formats of EXPORT_FILES; a record from elsewhere is served as bytes.
  const file: { readonly contentType: string } | undefined = EXPORT_FILES[extension as ExportFormat];
  response.setHeader('Content-Type', file?.contentType ?? 'application/octet-stream');
  response.setHeader('Content-Length', content.sizeBytes);
  response.setHeader('Content-Disposition', `attachment; filename="bulk-${operation.id}.${extension}"`);
  content.stream.pipe(response);
}

/**
 * The bulk routes that are not plain operations: the multipart import (the
 * gateway reads and validates the file against the supergraph, so it cannot be
 * a subgraph's mutation), the report and file downloads, and the signed export
 * link. Listing, reading, cancelling and retrying are bridge routes over the
 * bulk subgraph.
 */
export function bulkRoutes(options: BulkRouteOptions) {
  return (steps: EdgeSteps): RouteTable => ({
    [BULK_IMPORT_PATH]: {
      POST: async (exchange) => {
        exchange.route = `POST ${BULK_IMPORT_PATH}`;
        if (!(await steps.admit(exchange))) return void exchange.request.resume();
        let principal: Principal;
        try {
          principal = requireScope(exchange.principal, 'write:bulk');
        } catch (error) {
          exchange.request.resume();
          throw error;
        }
        const { result: operation } = await receiveOneFile(
          exchange.request,
          { field: 'file', maxBytes: options.maxBytes, expected: "the fields 'mutation' and 'mapping', then a 'file'" },
          (source, upload) => {
            // The rows are checked against the mutation while the file streams, so it must come first.
            const mutation = upload.fields['mutation'];
            if (!mutation) throw validationError("Missing field 'mutation' (e.g. fundraising.request), sent before the file", 'mutation');
            return options.intake({
              principal,
              mutation,
              mapping: mappingOf(upload.fields['mapping']),
              format: importFormatOf(upload.fields['format'], upload.filename),
              filename: upload.filename,
              source,
            });
          },
        );
        const message = operation.status === 'queued' ? 'Validated and queued' : 'Validated; no valid rows to run';
        sendJson(exchange.response, 202, successEnvelope(restBulkOperation(operation), exchange.requestId, message));
      },
    },
    [BULK_EXPORT_CONTENT_PATH]: {
      // The signature is the credential (a link handed on need not carry the owner's token).
      GET: async (exchange) => {
        const id = operationIdFromExportLink(options.secret, exchange.url.searchParams);
        if (!id) return sendErrorEnvelope(exchange.response, exchange.requestId, 'AUTHENTICATION_REQUIRED', 'Invalid or expired download link');
        const operation = await options.prisma.bulkOperation.findUnique({ where: { id } });
        if (!operation) throw notFound(`Bulk operation '${id}' not found`);
        await sendExportFile(exchange, options.exportFiles, operation);
      },
    },
  });
}

const DOWNLOADS = /^\/api\/v1\/bulk\/operations\/([^/]+)\/(report|download)$/;

/** `GET /api/v1/bulk/operations/{id}/report?format=csv|json` and `…/{id}/download`, for the job's owner (or an admin). */
export function bulkDownloadRouter(options: BulkRouteOptions) {
  return (steps: EdgeSteps): Router => ({
    match(pathname) {
      const found = DOWNLOADS.exec(pathname);
      if (!found?.[1]) return undefined;
      const [, id, what] = found as unknown as [string, string, 'report' | 'download'];
      return {
        GET: async (exchange) => {
          exchange.route = `GET /api/v1/bulk/operations/{id}/${what}`;
          if (!(await steps.admit(exchange))) return;
          const principal = requireScope(exchange.principal, 'read:bulk');
          const operation = await visibleOperation(options.prisma, principal, decodePathParameter('id', id));
          if (what === 'download') return sendExportFile(exchange, options.exportFiles, operation);
          if (operation.kind !== 'import') throw validationError('Only an import has a per-row report; download an export with …/download', 'id');
          const query = reportQuerySchema.safeParse({ format: exchange.url.searchParams.get('format') ?? undefined });
          if (!query.success) throw validationError("Invalid 'format': csv or json", 'format');
          await streamReport(options.prisma, operation.id, query.data.format, exchange.response);
        },
      };
    },
  });
}
