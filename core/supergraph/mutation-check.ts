import { buildASTSchema, GraphQLError, Kind, parse, validate, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { validationError } from '../errors/errors.ts';

/** What an automation's mutation declares, read once it is known to be valid. */
export interface CheckedMutation {
  readonly document: DocumentNode;
  /** The operation's variables, by name; payload fields of the same name fill them at run time. */
  readonly variableNames: readonly string[];
  /** Those that must have a value: non-null, without a default. */
  readonly requiredVariables: readonly string[];
}

/** Throws VALIDATION_ERROR naming `field` when the text is not one valid mutation of the supergraph. */
export type MutationCheck = (text: string, field: string) => CheckedMutation;

/** Longer documents are refused: an automation's action is one mutation, not a program. */
const MAX_DOCUMENT_LENGTH = 10_000;

/**
 * Checks a mutation document against the supergraph's schema before anything is
 * written, so an automation never stores an action that cannot run. The schema is
 * built from the supergraph SDL on first use (its join directives are declared in
 * it, so graphql-js accepts it as it is).
 */
export function mutationCheck(supergraphSdl: () => string): MutationCheck {
  let schema: GraphQLSchema | undefined;
  const schemaOf = () => (schema ??= buildASTSchema(parse(supergraphSdl()), { assumeValidSDL: true }));

  return (text, field) => {
    if (text.length > MAX_DOCUMENT_LENGTH) throw validationError(`Invalid '${field}': must be at most ${MAX_DOCUMENT_LENGTH} characters`, field);
    let document: DocumentNode;
    try {
      document = parse(text);
    } catch (error) {
      throw validationError(`Invalid '${field}': ${error instanceof GraphQLError ? error.message : 'not a GraphQL document'}`, field);
    }
    const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
    const [operation] = operations;
    if (operations.length !== 1 || !operation) throw validationError(`Invalid '${field}': must hold exactly one operation`, field);
    if (operation.operation !== 'mutation') throw validationError(`Invalid '${field}': must be a mutation, not a ${operation.operation}`, field);
    const [problem] = validate(schemaOf(), document);
    if (problem) throw validationError(`Invalid '${field}': ${problem.message}`, field);
    const definitions = operation.variableDefinitions ?? [];
    return {
      document,
      variableNames: definitions.map((definition) => definition.variable.name.value),
      requiredVariables: definitions
        .filter((definition) => definition.type.kind === Kind.NON_NULL_TYPE && definition.defaultValue === undefined)
        .map((definition) => definition.variable.name.value),
    };
  };
}

/**
 * The variables an automation's mutation runs with: a declared variable named like
 * a field of the triggering event's payload takes that field's value; the others
 * come from the automation's own `variables`.
 */
export function mutationVariables(variableNames: readonly string[], fixed: Record<string, unknown>, payload: Record<string, unknown>): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  for (const name of variableNames) {
    if (Object.hasOwn(payload, name)) variables[name] = payload[name];
    else if (Object.hasOwn(fixed, name)) variables[name] = fixed[name];
  }
  return variables;
}
