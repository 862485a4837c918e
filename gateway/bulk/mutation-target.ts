import {
  getNamedType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { validationError } from '../../core/errors/errors.ts';

/** Where a mapping entry's value comes from: a column of the file, or the row's idempotency key. */
export type MappingSource = { readonly kind: 'column'; readonly column: string } | { readonly kind: 'rowKey' };

/** `$rowKey` in a mapping passes each row's idempotency key (`<operation id>:<row number>`) to that argument. */
export const ROW_KEY_SOURCE = '$rowKey';

export interface MappingEntry {
  /** Argument path: the argument, then input-object fields (or keys inside a JSON value). */
  readonly path: readonly string[];
  readonly source: MappingSource;
}

/** A mutation field of the supergraph, reached through its namespace fields, with the mapping checked against it. */
export interface MutationTarget {
  /** `fundraising.request` → ['fundraising', 'request']. */
  readonly fieldPath: readonly string[];
  readonly field: GraphQLField<unknown, unknown>;
  /** The arguments the mapping sets, in the field's order. */
  readonly arguments: readonly GraphQLArgument[];
  readonly mapping: readonly MappingEntry[];
  /** What each row's result records: the leaf's scalar fields (or `__typename`). */
  readonly selection: string;
  /** Passing the row key makes a re-run after a crash safe (the mutation can recognise it). */
  readonly passesRowKey: boolean;
}

const MAX_SELECTED = 12;

export function resolveMutationTarget(schema: GraphQLSchema, mutation: string, rawMapping: Readonly<Record<string, unknown>>): MutationTarget {
  const fieldPath = mutation.split('.');
  if (fieldPath.some((segment) => !/^[_A-Za-z][_0-9A-Za-z]*$/.test(segment))) throw validationError(`Invalid 'mutation': '${mutation}' is not a field path`, 'mutation');
  let parent = schema.getMutationType();
  let field: GraphQLField<unknown, unknown> | undefined;
  for (const [index, name] of fieldPath.entries()) {
    field = parent?.getFields()[name];
    if (!field) throw validationError(`Invalid 'mutation': the supergraph has no mutation field '${fieldPath.slice(0, index + 1).join('.')}'`, 'mutation');
    if (index < fieldPath.length - 1) {
      const next = getNamedType(field.type);
      if (!isObjectType(next) || field.args.length > 0) throw validationError(`Invalid 'mutation': '${name}' is not a namespace field without arguments`, 'mutation');
      parent = next;
    }
  }
  if (!field) throw validationError("Invalid 'mutation'", 'mutation');

  const mapping = Object.entries(rawMapping).map(([path, source]): MappingEntry => {
    if (typeof source !== 'string' || source === '') throw validationError(`Invalid 'mapping': '${path}' must name a column (or ${ROW_KEY_SOURCE})`, 'mapping');
    const segments = path.split('.');
    const argument = field.args.find((candidate) => candidate.name === segments[0]);
    if (!argument) throw validationError(`Invalid 'mapping': '${mutation}' has no argument '${segments[0]}'`, 'mapping');
    checkPath(argument.type, segments.slice(1), path);
    return { path: segments, source: source === ROW_KEY_SOURCE ? { kind: 'rowKey' } : { kind: 'column', column: source } };
  });
  if (mapping.length === 0) throw validationError("Invalid 'mapping': map at least one column to an argument", 'mapping');
  const mapped = new Set(mapping.map((entry) => entry.path[0]));
  for (const argument of field.args) {
    if (isNonNullType(argument.type) && argument.defaultValue === undefined && !mapped.has(argument.name)) {
      throw validationError(`Invalid 'mapping': the required argument '${argument.name}' is not mapped`, 'mapping');
    }
  }
  return {
    fieldPath,
    field,
    arguments: field.args.filter((argument) => mapped.has(argument.name)),
    mapping,
    selection: selectionOf(field),
    passesRowKey: mapping.some((entry) => entry.source.kind === 'rowKey'),
  };
}

/** Each segment after the argument must be a field of an input object, or lie inside a JSON-like scalar. */
function checkPath(type: GraphQLInputType, rest: readonly string[], path: string): void {
  let current: GraphQLInputType = type;
  for (const segment of rest) {
    const named = getNamedType(current);
    if (isInputObjectType(named)) {
      const field = named.getFields()[segment];
      if (!field) throw validationError(`Invalid 'mapping': '${path}': ${named.name} has no field '${segment}'`, 'mapping');
      if (isListType(isNonNullType(field.type) ? field.type.ofType : field.type) && rest.at(-1) !== segment) {
        throw validationError(`Invalid 'mapping': '${path}' reaches inside a list`, 'mapping');
      }
      current = field.type;
      continue;
    }
    // A scalar that is not a built-in one (JSON): keys inside it are free.
    if (isLeafType(named) && !['String', 'Int', 'Float', 'Boolean', 'ID'].includes(named.name) && !('getValues' in named)) return;
    throw validationError(`Invalid 'mapping': '${path}' reaches inside ${named.name}`, 'mapping');
  }
}

function selectionOf(field: GraphQLField<unknown, unknown>): string {
  const named = getNamedType(field.type);
  if (!isObjectType(named)) return '';
  const scalars = Object.values(named.getFields())
    .filter((child) => child.args.length === 0 && isLeafType(getNamedType(child.type)))
    .slice(0, MAX_SELECTED)
    .map((child) => child.name);
  return `{ ${scalars.length > 0 ? scalars.join(' ') : '__typename'} }`;
}
