import {
  Kind,
  OperationTypeNode,
  print,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLResolveInfo,
  type SelectionSetNode,
  type VariableDefinitionNode,
} from 'graphql';
import type { EventEntityField } from './subscription-fields.ts';

export const ENTITY_ID_VARIABLE = 'subscriptionEntityId';
export const ENTITY_RESPONSE_KEY = 'entity';

const TYPENAME: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } };

/**
 * Rewrites the subscriber's selection below an event's entity field into a
 * query the gateway can plan: `query($subscriptionEntityId: ID!) { entity:
 * trainingJob(id: $subscriptionEntityId) { …the same selection… } }`, with the
 * fragments and variables it uses. `__typename` is added to every selection so
 * abstract types resolve from the fetched data.
 */
export function entityQuery(entity: EventEntityField, info: GraphQLResolveInfo): string {
  const queryField = info.schema.getQueryType()?.getFields()[entity.query];
  const idType = queryField?.args.find((argument) => argument.name === entity.argument)?.type;
  if (!queryField || !idType) throw new Error(`Query.${entity.query}(${entity.argument}:) is not in the schema`);

  const selections = info.fieldNodes.flatMap((node) => node.selectionSet?.selections ?? []);
  const selectionSet: SelectionSetNode = withTypename({ kind: Kind.SELECTION_SET, selections });
  const fragments = usedFragments(selectionSet, info.fragments);
  const variables = usedVariables([selectionSet, ...fragments], info.operation.variableDefinitions ?? []);

  const document: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        kind: Kind.OPERATION_DEFINITION,
        operation: OperationTypeNode.QUERY,
        name: { kind: Kind.NAME, value: 'SubscriptionEventEntity' },
        variableDefinitions: [
          {
            kind: Kind.VARIABLE_DEFINITION,
            variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: ENTITY_ID_VARIABLE } },
            type: { kind: Kind.NON_NULL_TYPE, type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: namedTypeOf(idType.toString()) } } },
          },
          ...variables,
        ],
        selectionSet: {
          kind: Kind.SELECTION_SET,
          selections: [
            {
              kind: Kind.FIELD,
              alias: { kind: Kind.NAME, value: ENTITY_RESPONSE_KEY },
              name: { kind: Kind.NAME, value: entity.query },
              arguments: [
                {
                  kind: Kind.ARGUMENT,
                  name: { kind: Kind.NAME, value: entity.argument },
                  value: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: ENTITY_ID_VARIABLE } },
                },
              ],
              selectionSet,
            },
          ],
        },
      },
      ...fragments.map((fragment) => withTypename(fragment)),
    ],
  };
  return print(document);
}

function namedTypeOf(typeName: string): string {
  return typeName.replace(/[[\]!]/g, '');
}

function withTypename<T extends SelectionSetNode | FragmentDefinitionNode>(node: T): T {
  return visit(node, {
    SelectionSet: (set: SelectionSetNode) => ({ ...set, selections: [TYPENAME, ...set.selections] }),
  }) as T;
}

function usedFragments(selectionSet: SelectionSetNode, all: GraphQLResolveInfo['fragments']): FragmentDefinitionNode[] {
  const found = new Map<string, FragmentDefinitionNode>();
  const walk = (node: SelectionSetNode | FragmentDefinitionNode): void => {
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        const fragment = all[name];
        if (!fragment || found.has(name)) return;
        found.set(name, fragment);
        walk(fragment);
      },
    });
  };
  walk(selectionSet);
  return [...found.values()];
}

function usedVariables(nodes: ReadonlyArray<SelectionSetNode | FragmentDefinitionNode>, definitions: readonly VariableDefinitionNode[]): VariableDefinitionNode[] {
  const names = new Set<string>();
  for (const node of nodes) visit(node, { Variable: (variable) => void names.add(variable.name.value) });
  return definitions.filter((definition) => names.has(definition.variable.name.value));
}
