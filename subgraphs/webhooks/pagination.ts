import { z } from 'zod';
import { validInput } from '../../core/errors/validate-input.ts';

/** Forward pagination over uuid-keyed rows, newest first; cursors are opaque to clients. */
export interface Page<T> {
  readonly nodes: T[];
  readonly pageInfo: { readonly endCursor: string | null; readonly hasNextPage: boolean };
}

const pageArgs = z.object({
  first: z.number().int().min(1, 'must be at least 1').max(100, 'must be at most 100').nullish(),
  after: z
    .string()
    .transform((cursor) => Buffer.from(cursor, 'base64url').toString('utf8'))
    .pipe(z.string().uuid('is not a cursor from this list'))
    .nullish(),
});

export interface PageWindow {
  /** One more than the page, to learn whether another page follows. */
  readonly take: number;
  readonly cursor?: { id: string };
  readonly skip?: number;
}

export function pageWindow(args: unknown): PageWindow & { size: number } {
  const { first, after } = validInput(pageArgs, args);
  const size = first ?? 20;
  return after ? { size, take: size + 1, cursor: { id: after }, skip: 1 } : { size, take: size + 1 };
}

export function pageOf<T extends { id: string }>(rows: T[], size: number): Page<T> {
  const nodes = rows.slice(0, size);
  const last = nodes.at(-1);
  return {
    nodes,
    pageInfo: { endCursor: last ? Buffer.from(last.id).toString('base64url') : null, hasNextPage: rows.length > size },
  };
}

export const NEWEST_FIRST = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];
