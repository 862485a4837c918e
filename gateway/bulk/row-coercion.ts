import {
  coerceInputValue,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLInputType,
} from 'graphql';
import { findJsonInputProblem } from '../../core/http/json-input.ts';
import type { MappingEntry, MutationTarget } from './mutation-target.ts';

export interface RowError {
  /** The source column; null when the error concerns the whole row. */
  readonly column: string | null;
  readonly message: string;
}

export type CoercedRow = { readonly ok: true; readonly args: Record<string, unknown> } | { readonly ok: false; readonly errors: RowError[] };

/**
 * A file's cell as the argument's type wants it. CSV and XLSX cells are text
 * (or numbers, from XLSX); an empty cell is an absent value. Text is turned into
 * a number or a boolean only where the type asks for one, and lists and JSON
 * values may be written as JSON; anything that does not convert is left as it
 * is, so graphql-js names the mismatch.
 */
function fromCell(value: unknown, type: GraphQLInputType | null): unknown {
  if (value === '' || value === null || value === undefined) return undefined;
  if (typeof value !== 'string' || type === null) return value;
  const unwrapped = isNonNullType(type) ? type.ofType : type;
  const named = getNamedType(unwrapped);
  const text = value.trim();
  if (isListType(unwrapped) || (!isScalarType(named) && !isEnumType(named)) || !['String', 'ID', 'Int', 'Float', 'Boolean'].includes(named.name)) {
    if (isEnumType(named)) return value;
    if (text.startsWith('[') || text.startsWith('{')) {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return value;
      }
    }
    return value;
  }
  switch (named.name) {
    case 'Int':
    case 'Float':
      return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : value;
    case 'Boolean':
      return text === 'true' ? true : text === 'false' ? false : value;
    default:
      return value;
  }
}

/** The type at an argument path, or null inside a JSON-like scalar (anything goes there). */
function typeAt(argumentType: GraphQLInputType, rest: readonly string[]): GraphQLInputType | null {
  let current: GraphQLInputType = argumentType;
  for (const segment of rest) {
    const named = getNamedType(current);
    if (!isInputObjectType(named)) return null;
    const field = named.getFields()[segment];
    if (!field) return null;
    current = field.type;
  }
  return current;
}

function setAt(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const segment of path.slice(0, -1)) {
    const next = node[segment];
    node = (typeof next === 'object' && next !== null ? next : (node[segment] = {})) as Record<string, unknown>;
  }
  const last = path.at(-1);
  if (last !== undefined) node[last] = value;
}

/** The column an error at `path` (argument first) is about: the mapping entry with the longest matching prefix. */
function columnOf(mapping: readonly MappingEntry[], path: readonly (string | number)[]): string | null {
  let best: MappingEntry | null = null;
  for (const entry of mapping) {
    const matches = entry.path.every((segment, index) => index >= path.length || String(path[index]) === segment);
    if (matches && (!best || entry.path.length > best.path.length)) best = entry;
  }
  return best && best.source.kind === 'column' ? best.source.column : null;
}

/**
 * Builds a row's arguments from its cells through the mapping and checks them
 * against the mutation's input types with graphql-js' own coercion, so a row
 * that passes here is one the executor accepts. Every problem of the row is
 * reported, each with the column it came from.
 */
export function coerceRow(target: MutationTarget, cells: Readonly<Record<string, unknown>>, rowKey: string, maxJsonDepth: number): CoercedRow {
  const args: Record<string, unknown> = {};
  for (const entry of target.mapping) {
    const argument = target.arguments.find((candidate) => candidate.name === entry.path[0]);
    if (!argument) continue;
    const raw = entry.source.kind === 'rowKey' ? rowKey : cells[entry.source.column];
    const value = fromCell(raw, typeAt(argument.type, entry.path.slice(1)));
    if (value !== undefined) setAt(args, entry.path, value);
  }
  // A cell written as JSON may nest past what coercion's recursion can take.
  const tooDeep = findJsonInputProblem(args, maxJsonDepth);
  if (tooDeep) return { ok: false, errors: [{ column: null, message: tooDeep.message }] };
  const errors: RowError[] = [];
  for (const argument of target.arguments) {
    coerceInputValue(args[argument.name], argument.type, (path, _invalid, error) => {
      const at = [argument.name, ...path];
      errors.push({ column: columnOf(target.mapping, at), message: `${at.join('.')}: ${error.message}` });
    });
  }
  return errors.length === 0 ? { ok: true, args } : { ok: false, errors };
}
