import { Kind, parse, print, visit, type DefinitionNode, type DocumentNode, type OperationDefinitionNode, type SelectionNode, type VariableDefinitionNode } from 'graphql';

/**
 * Several subgraph queries as one: each query's root fields, variables and
 * fragments get a prefix of their own (`_0_`, `_1_`, …), so they cannot collide,
 * and the answer is split back by that prefix. The technique of
 * `@graphql-tools/batch-execute` (Hive Gateway), specialised to the operations
 * Apollo's planner writes: root fields only, no directives on the operation.
 */
export interface MergedOperation {
  readonly query: string;
  readonly operationName: string | undefined;
}

export interface SplitAnswer {
  data?: Record<string, unknown> | null;
  errors?: unknown[];
  extensions?: Record<string, unknown>;
}

const prefixOf = (index: number): string => `_${index}_`;

/**
 * Merges with a memo of its own: a plan writes the same fetches every time, so
 * the same texts come together again and again.
 */
export function operationMerger(maxCached = 2_000): (queries: readonly string[]) => MergedOperation | null {
  const merged = new Map<string, MergedOperation | null>();
  return (queries) => {
    const key = queries.join('\u0000');
    const cached = merged.get(key);
    if (cached !== undefined) return cached;
    const result = build(queries);
    if (merged.size >= maxCached) merged.delete(merged.keys().next().value as string);
    merged.set(key, result);
    return result;
  };
}

/** One query for all of them, or null when one of them is not a plain query of root fields. */
function build(queries: readonly string[]): MergedOperation | null {
  const variables: VariableDefinitionNode[] = [];
  const selections: SelectionNode[] = [];
  const fragments: DefinitionNode[] = [];
  let operationName: string | undefined;
  for (const [index, query] of queries.entries()) {
    const prefix = prefixOf(index);
    let document: DocumentNode;
    try {
      document = prefixed(parse(query), prefix);
    } catch {
      return null;
    }
    const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
    const operation = operations[0];
    if (operations.length !== 1 || !operation || operation.operation !== 'query' || (operation.directives?.length ?? 0) > 0) return null;
    if (operation.selectionSet.selections.some((selection) => selection.kind !== Kind.FIELD)) return null;
    operationName ??= operation.name?.value;
    variables.push(...(operation.variableDefinitions ?? []));
    selections.push(...operation.selectionSet.selections);
    fragments.push(...document.definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION));
  }
  const operation: OperationDefinitionNode = {
    kind: Kind.OPERATION_DEFINITION,
    operation: 'query' as OperationDefinitionNode['operation'],
    ...(operationName ? { name: { kind: Kind.NAME, value: operationName } } : {}),
    variableDefinitions: variables,
    selectionSet: { kind: Kind.SELECTION_SET, selections },
  };
  return { query: print({ kind: Kind.DOCUMENT, definitions: [operation, ...fragments] }), operationName };
}

/** Variables, fragment names and the root fields' response names, prefixed. */
function prefixed(document: DocumentNode, prefix: string): DocumentNode {
  return visit(document, {
    Variable: (node) => ({ ...node, name: { ...node.name, value: prefix + node.name.value } }),
    FragmentDefinition: (node) => ({ ...node, name: { ...node.name, value: prefix + node.name.value } }),
    FragmentSpread: (node) => ({ ...node, name: { ...node.name, value: prefix + node.name.value } }),
    OperationDefinition: (node) => ({
      ...node,
      selectionSet: {
        ...node.selectionSet,
        selections: node.selectionSet.selections.map((selection) =>
          selection.kind === Kind.FIELD ? { ...selection, alias: { kind: Kind.NAME, value: prefix + (selection.alias ?? selection.name).value } } : selection,
        ),
      },
    }),
  });
}

/** Each query's variables under its prefix, in one object. */
export function mergeVariables(variables: ReadonlyArray<Record<string, unknown> | undefined>): Record<string, unknown> {
  const all: Record<string, unknown> = {};
  for (const [index, own] of variables.entries()) {
    if (!own) continue;
    const prefix = prefixOf(index);
    for (const name of Object.keys(own)) all[prefix + name] = own[name];
  }
  return all;
}

/**
 * The merged answer back as one answer per query. An error with a path goes to
 * the query its first segment belongs to, with the prefix taken off; one without
 * a path (the whole request failed) goes to all of them.
 */
export function splitAnswer(answer: { readonly data?: Record<string, unknown> | null; readonly errors?: readonly unknown[]; readonly extensions?: Record<string, unknown> }, count: number): SplitAnswer[] {
  const parts: SplitAnswer[] = Array.from({ length: count }, () => ({}));
  const data = answer.data;
  if (data === null) for (const part of parts) part.data = null;
  if (data) {
    for (const part of parts) part.data = {};
    for (const [name, value] of Object.entries(data)) {
      const found = /^_(\d+)_(.*)$/s.exec(name);
      const part = found ? parts[Number(found[1])] : undefined;
      if (part?.data && found) part.data[found[2]!] = value;
    }
  }
  for (const error of answer.errors ?? []) {
    const path = (error as { path?: unknown }).path;
    const first = Array.isArray(path) && typeof path[0] === 'string' ? /^_(\d+)_(.*)$/s.exec(path[0]) : null;
    const owner = first ? parts[Number(first[1])] : undefined;
    if (owner && first) (owner.errors ??= []).push({ ...(error as object), path: [first[2], ...(path as unknown[]).slice(1)] });
    else for (const part of parts) (part.errors ??= []).push(error);
  }
  if (answer.extensions) for (const part of parts) part.extensions = answer.extensions;
  return parts;
}
