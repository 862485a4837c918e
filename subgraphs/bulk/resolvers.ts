import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { Kind, parse } from 'graphql';
import { z } from 'zod';
import { validationError } from '../../core/errors/errors.ts';
import { validInput } from '../../core/errors/validate-input.ts';
import type { SubgraphContext } from '../../core/identity/subgraph-context.ts';
import { bulkExportLink } from '../../core/signatures/bulk-links.ts';
import { Prisma, type BulkOperation } from '../../prisma/generated/client.ts';
import type { PlatformEvent } from '../../schema/events.ts';
import { requirePrincipal } from '../shared/require-principal.ts';
import type { SubgraphServices } from '../shared/services.ts';
import { NEWEST_FIRST, pageOf, pageWindow } from '../webhooks/pagination.ts';
import { bulkEvent, bulkEventPublisher, recordBulkStatusChange } from './bulk-events.ts';
import { bulkRecords } from './records.ts';
import { rowsPage } from './row-pages.ts';

const FINISHED = ['completed', 'failed', 'cancelled'] as const;
const ACTIVE = ['receiving', 'queued', 'running'] as const;

const exportInput = z.object({
  input: z.object({
    query: z.string().min(1).max(100_000),
    variables: z.record(z.string(), z.unknown()).nullish(),
    format: z.enum(['csv', 'jsonl', 'xlsx']),
  }),
});

const listArgs = z.object({
  kind: z.enum(['import', 'export']).nullish(),
  status: z.enum(['receiving', 'queued', 'running', 'completed', 'failed', 'cancelled']).nullish(),
});

/** One query operation, parsed now, so a typo is a 400 and not a failed job. */
function checkedExportQuery(query: string): void {
  let document;
  try {
    document = parse(query);
  } catch (error) {
    throw validationError(`Invalid 'query': ${(error as Error).message}`, 'query');
  }
  const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1 || operations[0]?.operation !== 'query') throw validationError("Invalid 'query': give exactly one query operation", 'query');
}

export function bulkResolvers(services: SubgraphServices): GraphQLResolverMap<SubgraphContext> {
  const { prisma } = services;
  const records = bulkRecords(prisma);
  const publish = bulkEventPublisher(services);

  /** A state change and its webhook deliveries in one transaction, then the bus. */
  const change = async (id: string, apply: (tx: Prisma.TransactionClient, operation: BulkOperation) => Promise<Prisma.BulkOperationUpdateInput>) => {
    const updated = await prisma.$transaction(async (tx) => {
      const current = await tx.bulkOperation.findUniqueOrThrow({ where: { id } });
      const data = await apply(tx, current);
      const operation = await tx.bulkOperation.update({ where: { id }, data: { ...data, sequence: { increment: 1 } } });
      await recordBulkStatusChange(tx, bulkEvent(operation));
      return operation;
    });
    await publish(bulkEvent(updated));
    return updated;
  };

  return {
    BulkOperationKind: { IMPORT: 'import', EXPORT: 'export' },
    BulkOperationStatus: { RECEIVING: 'receiving', QUEUED: 'queued', RUNNING: 'running', COMPLETED: 'completed', FAILED: 'failed', CANCELLED: 'cancelled' },
    BulkRowStatus: { PENDING: 'pending', RUNNING: 'running', SUCCEEDED: 'succeeded', FAILED: 'failed', INVALID: 'invalid', CANCELLED: 'cancelled' },
    BulkExportFormat: { CSV: 'csv', JSONL: 'jsonl', XLSX: 'xlsx' },

    Query: {
      bulkOperations: async (_root, args: Record<string, unknown>, context) => {
        const principal = requirePrincipal(context);
        const filter = validInput(listArgs, { kind: args['kind'], status: args['status'] });
        const window = pageWindow({ first: args['first'], after: args['after'] });
        const rows = await prisma.bulkOperation.findMany({
          where: { ...records.visible(principal), ...(filter.kind ? { kind: filter.kind } : {}), ...(filter.status ? { status: filter.status } : {}) },
          orderBy: NEWEST_FIRST,
          take: window.take,
          ...(window.cursor ? { cursor: window.cursor, skip: window.skip } : {}),
        });
        return pageOf(rows, window.size);
      },
      bulkOperation: (_root, args: { id: string }, context) => records.find(requirePrincipal(context), args.id),
    },

    Mutation: {
      cancelBulkOperation: async (_root, args: { id: string }, context) => {
        const operation = await records.get(requirePrincipal(context), args.id);
        return change(operation.id, async (tx, current) => {
          if (!(ACTIVE as readonly string[]).includes(current.status)) throw validationError(`Bulk operation '${current.id}' is already ${current.status}`, 'id');
          const cancelled = await tx.bulkRow.updateMany({ where: { operationId: current.id, status: 'pending' }, data: { status: 'cancelled' } });
          return { status: 'cancelled', cancelledRows: { increment: cancelled.count }, completedAt: new Date() };
        });
      },
      retryFailedBulkRows: async (_root, args: { id: string }, context) => {
        const operation = await records.get(requirePrincipal(context), args.id);
        return change(operation.id, async (tx, current) => {
          if (current.kind !== 'import') throw validationError('Only an import has rows to retry', 'id');
          if (!(FINISHED as readonly string[]).includes(current.status)) throw validationError(`Bulk operation '${current.id}' is still ${current.status}`, 'id');
          const retried = await tx.bulkRow.updateMany({ where: { operationId: current.id, status: 'failed' }, data: { status: 'pending', claims: 0, errors: [], result: Prisma.DbNull } });
          if (retried.count === 0) throw validationError(`Bulk operation '${current.id}' has no failed rows`, 'id');
          return { status: 'queued', failedRows: { decrement: retried.count }, completedAt: null, error: null, claimToken: null, leaseUntil: null };
        });
      },
      startBulkExport: async (_root, args: unknown, context) => {
        const principal = requirePrincipal(context);
        const { input } = validInput(exportInput, args);
        checkedExportQuery(input.query);
        const operation = await prisma.bulkOperation.create({
          data: {
            ownerId: principal.userId,
            kind: 'export',
            format: input.format,
            query: input.query,
            variables: (input.variables ?? {}) as Prisma.InputJsonObject,
            principal: principal as unknown as Prisma.InputJsonObject,
          },
        });
        await publish(bulkEvent(operation));
        return operation;
      },
    },

    Subscription: {
      // Declared here so it is in the supergraph; the gateway's subscription layer delivers the bus events.
      bulkOperationUpdated: {
        resolve: (event: PlatformEvent<'bulk.operation_updated'>) => ({ eventId: event.id, occurredAt: event.occurredAt, ...event.payload }),
      },
    },

    BulkOperation: {
      __resolveReference: (reference: { id: string }) => prisma.bulkOperation.findUnique({ where: { id: reference.id } }),
      rows: (operation: BulkOperation, args: unknown) => rowsPage(prisma, operation.id, args),
      downloadUrl: (operation: BulkOperation) => {
        if (operation.kind !== 'export' || operation.status !== 'completed' || !operation.storageKey) return null;
        const expiresAt = Math.floor(Date.now() / 1000) + services.v1.uploadLinkTtlSeconds;
        return bulkExportLink({ publicUrl: services.v1.publicUrl(), secret: services.v1.secret, operationId: operation.id, expiresAt });
      },
    },
  };
}
