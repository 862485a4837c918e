import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { isOutcome, type BridgeRoute } from '../bridge-route.ts';
import { envelopeSchema, ERROR_RESPONSES, jsonSchemaOf } from './json-schemas.ts';
import { operationIdOf, pathParameters, queryParameters } from './operation-parameters.ts';
import { pathParameterSample } from './request-samples.ts';
import { compilePath } from '../path-pattern.ts';

export const security = (auth: 'none' | 'required' | 'signature') => (auth === 'required' ? [{ bearerAuth: [] }, { apiKeyAuth: [] }] : []);

/** The operation a route runs, read off the route itself with sample input: its kind and name. */
function graphQLOperationOf(route: BridgeRoute): OperationDefinitionNode | undefined {
  const params = Object.fromEntries(compilePath(route.path).names.map((name) => [name, pathParameterSample(name)]));
  const call = route.operation({ params, query: {}, body: {} });
  if (isOutcome(call)) return undefined;
  return parse(call.document).definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
}

/** The route's own words, then what it runs: a client can make the same call over /graphql. */
export function bridgeDescription(route: BridgeRoute): string {
  const operation = graphQLOperationOf(route);
  const runs = operation?.name
    ? `Runs the GraphQL ${operation.operation} \`${operation.name.value}\` on the federated graph, as the caller: the same identity, scopes, rate limit and errors as /graphql (the answer's X-GraphQL-Operation header names it), its result shaped into the envelope's \`data\`.`
    : 'Answered by the gateway without a GraphQL operation.';
  return route.description ? `${route.description}\n\n${runs}` : runs;
}

export function bridgeOperation(route: BridgeRoute) {
  return {
    summary: route.summary,
    description: bridgeDescription(route),
    tags: [route.tag],
    operationId: operationIdOf(route.method, route.path),
    security: security(route.auth),
    parameters: [...pathParameters(route.path), ...queryParameters(route.query)],
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchemaOf(route.body, 'input') } } } } : {}),
    responses: {
      [route.successStatus]: { description: 'Success', content: { 'application/json': { schema: envelopeSchema(jsonSchemaOf(route.response, 'output')) } } },
      ...ERROR_RESPONSES,
    },
  };
}
