import { z } from 'zod';
import { validInput } from '../../core/errors/validate-input.ts';
import type { PrismaClient } from '../../prisma/generated/client.ts';

const rowArgs = z.object({
  status: z.enum(['pending', 'running', 'succeeded', 'failed', 'invalid', 'cancelled']).nullish(),
  first: z.number().int().min(1, 'must be at least 1').max(1000, 'must be at most 1000').nullish(),
  after: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,16}$/, 'is not a cursor from this list')
    .transform((cursor) => Number(Buffer.from(cursor, 'base64url').toString('utf8')))
    .pipe(z.number().int().min(0, 'is not a cursor from this list'))
    .nullish(),
});

/** A job's rows in row order; the cursor is the last row number, opaque to clients. */
export async function rowsPage(prisma: PrismaClient, operationId: string, args: unknown) {
  const { status, first, after } = validInput(rowArgs, args);
  const size = first ?? 100;
  const rows = await prisma.bulkRow.findMany({
    where: { operationId, ...(status ? { status } : {}), ...(after !== null && after !== undefined ? { rowNumber: { gt: after } } : {}) },
    orderBy: { rowNumber: 'asc' },
    take: size + 1,
  });
  const nodes = rows.slice(0, size).map((row) => ({ ...row, errors: Array.isArray(row.errors) ? row.errors : [] }));
  const last = nodes.at(-1);
  return { nodes, pageInfo: { endCursor: last ? Buffer.from(String(last.rowNumber)).toString('base64url') : null, hasNextPage: rows.length > size } };
}
