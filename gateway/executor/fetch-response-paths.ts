import {
  type GraphQLSchema,
  Kind,
  isAbstractType,
  isObjectType,
  type DirectiveNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type DocumentNode,
  type FieldNode,
  type SelectionSetNode,
} from 'graphql';

export type ResponsePath = ReadonlyArray<string | number>;

const ENTITIES_FIELD = '_entities';

interface Walk {
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly schema: GraphQLSchema | undefined;
}

/**
 * The paths, in a subgraph's own answer, of the fields one fetch of a query plan
 * asks for at its top: `['apiKeys']` for a root fetch, `['_entities', i, 'apiKeys']`
 * for each representation of an entity fetch. When the fetch fails as a whole,
 * each is a part of the client's answer that is missing; the executor maps these
 * paths onto the client's operation as it does a subgraph's own errors.
 */
export function fetchResponsePaths(document: DocumentNode, request: { readonly operationName?: string | undefined; readonly variables?: Readonly<Record<string, unknown>> | undefined }, schema?: GraphQLSchema): ResponsePath[] {
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION && (request.operationName === undefined || definition.name?.value === request.operationName),
  );
  if (!operation) return [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const walk: Walk = { fragments, variables: request.variables ?? {}, schema };

  const paths: ResponsePath[] = [];
  for (const field of fieldsOf(operation.selectionSet, walk, () => true)) {
    if (field.name.value !== ENTITIES_FIELD) {
      paths.push([responseKey(field)]);
      continue;
    }
    const representations = walk.variables['representations'];
    if (!Array.isArray(representations) || !field.selectionSet) continue;
    const selection = field.selectionSet;
    representations.forEach((representation: unknown, index) => {
      const typename = (representation as { __typename?: unknown } | null)?.__typename;
      const applies = (condition: string) => typeof typename !== 'string' || appliesTo(condition, typename, schema);
      for (const key of new Set(fieldsOf(selection, walk, applies).map(responseKey))) paths.push([ENTITIES_FIELD, index, key]);
    });
  }
  return paths;
}

/** The fields a selection set asks for at its own level, through fragments that apply, without `__typename`. */
function fieldsOf(selectionSet: SelectionSetNode, walk: Walk, applies: (typeCondition: string) => boolean): FieldNode[] {
  const fields: FieldNode[] = [];
  const seen = new Set<string>();
  const visit = (set: SelectionSetNode): void => {
    for (const selection of set.selections) {
      if (!included(selection.directives, walk.variables)) continue;
      if (selection.kind === Kind.FIELD) {
        const key = responseKey(selection);
        if (selection.name.value !== '__typename' && !seen.has(key)) {
          seen.add(key);
          fields.push(selection);
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (!selection.typeCondition || applies(selection.typeCondition.name.value)) visit(selection.selectionSet);
      } else {
        const fragment = walk.fragments.get(selection.name.value);
        if (fragment && applies(fragment.typeCondition.name.value)) visit(fragment.selectionSet);
      }
    }
  };
  visit(selectionSet);
  return fields;
}

function appliesTo(condition: string, typename: string, schema: GraphQLSchema | undefined): boolean {
  if (condition === typename) return true;
  // Without a schema to tell, a condition on another type is taken to cover the entity (an interface it implements).
  if (!schema) return true;
  const abstract = schema.getType(condition);
  const object = schema.getType(typename);
  return isAbstractType(abstract) && isObjectType(object) && schema.isSubType(abstract, object);
}

function responseKey(field: FieldNode): string {
  return field.alias?.value ?? field.name.value;
}

/** `@skip` and `@include`, with literal or variable conditions. */
function included(directives: readonly DirectiveNode[] | undefined, variables: Readonly<Record<string, unknown>>): boolean {
  for (const directive of directives ?? []) {
    const name = directive.name.value;
    if (name !== 'skip' && name !== 'include') continue;
    const argument = directive.arguments?.find((candidate) => candidate.name.value === 'if')?.value;
    const condition = argument?.kind === Kind.BOOLEAN ? argument.value : argument?.kind === Kind.VARIABLE ? variables[argument.name.value] === true : false;
    if (name === 'skip' ? condition : !condition) return false;
  }
  return true;
}
