import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

/** What executing an operation would touch, with every fragment spread expanded. */
export interface OperationMeasure {
  /** Deepest chain of fields (introspection `__` fields not counted, as before). */
  readonly depth: number;
  /** Fields selected, each spread counting its fragment's fields again (the work the planner and executor face). */
  readonly fields: number;
  /** Aliased fields, expanded the same way. */
  readonly aliases: number;
  /** Fragment spreads, expanded the same way. */
  readonly spreads: number;
}

const NOTHING: OperationMeasure = { depth: 0, fields: 0, aliases: 0, spreads: 0 };

/**
 * Measures each operation of a document in time linear in its size: a fragment is
 * measured once and its measure reused at every spread, so fragments spreading the
 * next one twice (a "fragment bomb", 2^n fields in n lines) cost n steps, not 2^n.
 * Counts may be astronomically large (they are numbers, so at worst Infinity):
 * the limits compare them, nothing iterates over them.
 */
export function measureDocument(document: DocumentNode): Map<OperationDefinitionNode, OperationMeasure> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const measured = new Map<string, OperationMeasure>();
  const inProgress = new Set<string>();

  const fragmentMeasure = (name: string): OperationMeasure => {
    const known = measured.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    // Unknown fragments and cycles are reported by graphql-js's own rules; count them as empty.
    if (!fragment || inProgress.has(name)) return NOTHING;
    inProgress.add(name);
    const measure = selectionMeasure(fragment.selectionSet);
    inProgress.delete(name);
    measured.set(name, measure);
    return measure;
  };

  const selectionMeasure = (selectionSet: SelectionSetNode): OperationMeasure => {
    let depth = 0;
    let fields = 0;
    let aliases = 0;
    let spreads = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const below = selection.selectionSet ? selectionMeasure(selection.selectionSet) : NOTHING;
        if (!selection.name.value.startsWith('__')) depth = Math.max(depth, 1 + below.depth);
        fields += 1 + below.fields;
        aliases += (selection.alias ? 1 : 0) + below.aliases;
        spreads += below.spreads;
      } else {
        const inner = selection.kind === Kind.INLINE_FRAGMENT ? selectionMeasure(selection.selectionSet) : fragmentMeasure(selection.name.value);
        depth = Math.max(depth, inner.depth);
        fields += inner.fields;
        aliases += inner.aliases;
        spreads += inner.spreads + (selection.kind === Kind.FRAGMENT_SPREAD ? 1 : 0);
      }
    }
    return { depth, fields, aliases, spreads };
  };

  const operations = new Map<OperationDefinitionNode, OperationMeasure>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) operations.set(definition, selectionMeasure(definition.selectionSet));
  }
  return operations;
}
