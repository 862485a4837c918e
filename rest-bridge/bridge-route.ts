import type { z } from 'zod';
import type { ErrorCode } from '../core/errors/error-codes.ts';

export type BridgeMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a legacy request carries, after its JSON body and query were validated. */
export interface BridgeInput<Body = unknown, Query = Record<string, unknown>> {
  readonly params: Readonly<Record<string, string>>;
  readonly query: Query;
  readonly body: Body;
}

export interface OperationCall {
  /** A named GraphQL operation; the name is what logs and usage records show. */
  readonly document: string;
  readonly variables: Record<string, unknown>;
}

export type BridgeOutcome =
  | { readonly kind: 'success'; readonly status: number; readonly data: unknown; readonly message?: string }
  | { readonly kind: 'error'; readonly code: ErrorCode; readonly message: string };

/**
 * One documented legacy route as data: how its request becomes a GraphQL
 * operation and how the operation's result becomes the envelope's `data`.
 * The REST handler, the OpenAPI document and the contract tests all read it.
 */
export interface BridgeRoute {
  readonly method: BridgeMethod;
  /** `/api-keys/{api_key}`; a last `{name...}` takes the rest of the path, slashes included. */
  readonly path: string;
  readonly summary: string;
  /** What a client should know beyond the summary, for the docs (which add the GraphQL operation the route runs). */
  readonly description?: string;
  readonly tag: string;
  /** For the docs; identity is enforced by the subgraph rules, not here. */
  readonly auth: 'none' | 'required';
  readonly body?: z.ZodType;
  readonly query?: z.ZodType;
  /** The schema of the success envelope's `data`. */
  readonly response: z.ZodType;
  readonly successStatus: number;
  /** The operation to run, or an outcome decided without one (an unknown module). */
  readonly operation: (input: BridgeInput<any, any>) => OperationCall | BridgeOutcome;
  readonly result: (data: Record<string, any>, input: BridgeInput<any, any>) => BridgeOutcome | unknown;
}

export const ok = (data: unknown, status = 200, message?: string): BridgeOutcome => ({
  kind: 'success',
  status,
  data,
  ...(message === undefined ? {} : { message }),
});

export const isOutcome = (value: unknown): value is BridgeOutcome =>
  typeof value === 'object' && value !== null && 'kind' in value && ((value as BridgeOutcome).kind === 'success' || (value as BridgeOutcome).kind === 'error');

/** `data` of a list answer: `{total, items}` (CONTRACT.md section 4). */
export const listOf = <T>(items: readonly T[]) => ({ total: items.length, items });

/** `data` of a page: the list fields plus `page`, `per_page`, `total_pages`. */
export function pageOf<T>(items: readonly T[], page: number, perPage: number) {
  const start = (page - 1) * perPage;
  return { total: items.length, items: items.slice(start, start + perPage), page, per_page: perPage, total_pages: Math.max(1, Math.ceil(items.length / perPage)) };
}

/** A route as data, with the defaults most routes share. */
export function route(definition: Omit<BridgeRoute, 'successStatus' | 'auth'> & Partial<Pick<BridgeRoute, 'successStatus' | 'auth'>>): BridgeRoute {
  return { successStatus: 200, auth: 'required', ...definition };
}
