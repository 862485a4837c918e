import { Lexer, Source, TokenKind } from 'graphql';
import type { MutationTarget } from './mutation-target.ts';

export interface BatchDocument {
  readonly size: number;
  readonly document: string;
  /** The variables of row `index` of the batch, from its stored arguments. */
  variablesOf(index: number, args: Readonly<Record<string, unknown>>): Record<string, unknown>;
  /** The leaf's value for row `index` in the operation's data. */
  resultOf(data: Record<string, unknown> | null, index: number): unknown;
  /** The row a GraphQL error path points at, or null for an error of the whole operation. */
  rowOfError(path: readonly (string | number)[] | undefined): number | null;
}

function countTokens(document: string): number {
  const lexer = new Lexer(new Source(document));
  let count = 0;
  while (lexer.advance().kind !== TokenKind.EOF) count += 1;
  return count;
}

/**
 * One mutation operation running `size` rows as aliased root fields, each with
 * its own variables. Its text depends only on the target and the size, so the
 * executor parses, validates and plans it once and every full batch reuses the
 * plan; the planner sends consecutive mutation fields of one subgraph in one
 * fetch, so a batch costs one subgraph round trip, not one per row.
 */
export function batchDocument(target: MutationTarget, size: number): BatchDocument {
  const variable = (index: number, name: string) => `r${index}_${name}`;
  const declarations: string[] = [];
  const fields: string[] = [];
  for (let index = 0; index < size; index += 1) {
    for (const argument of target.arguments) declarations.push(`$${variable(index, argument.name)}: ${String(argument.type)}`);
    const call = `${target.field.name}(${target.arguments.map((argument) => `${argument.name}: $${variable(index, argument.name)}`).join(', ')}) ${target.selection}`;
    const nested = target.fieldPath.slice(0, -1).reduceRight((inner, namespace) => `${namespace} { ${inner} }`, call);
    fields.push(`r${index}: ${nested}`);
  }
  const document = `mutation BulkImportBatch(${declarations.join(', ')}) { ${fields.join(' ')} }`;
  return {
    size,
    document,
    variablesOf: (index, args) => Object.fromEntries(target.arguments.map((argument) => [variable(index, argument.name), args[argument.name] ?? null])),
    resultOf(data, index) {
      let node: unknown = data?.[`r${index}`];
      for (const name of target.fieldPath.slice(1)) node = (node as Record<string, unknown> | null | undefined)?.[name];
      return node ?? null;
    },
    rowOfError(path) {
      const match = typeof path?.[0] === 'string' ? /^r(\d+)$/.exec(path[0]) : null;
      return match ? Number(match[1]) : null;
    },
  };
}

/** The largest power-of-two batch up to `wanted` whose document stays within the executor's token limit (chunks are powers of two). */
export function batchSizeWithin(target: MutationTarget, wanted: number, maxTokens: number): number {
  const one = countTokens(batchDocument(target, 1).document);
  const perRow = countTokens(batchDocument(target, 2).document) - one;
  const fits = Math.floor((maxTokens - (one - perRow) - 8) / Math.max(1, perRow));
  const largest = Math.max(1, Math.min(wanted, fits));
  return 2 ** Math.floor(Math.log2(largest));
}
