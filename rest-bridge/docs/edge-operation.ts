import { security } from './bridge-operation.ts';
import type { EdgeBody, EdgeRouteDoc, OwnRouteDoc, PassThroughRouteDoc } from './edge-route-doc.ts';
import { envelopeSchema, ERROR_RESPONSES, errorResponse, jsonSchemaOf, type JsonSchema } from './json-schemas.ts';
import { headerParameters, operationIdOf, pathParameters, queryParameters } from './operation-parameters.ts';

const backendBody = (what: string) => ({ '*/*': { schema: { description: what } } });

function passThroughOperation(route: PassThroughRouteDoc) {
  const { backend, maxBodyBytes } = route.passThrough;
  const tooLarge = errorResponse(
    `PAYLOAD_TOO_LARGE: a body over ${maxBodyBytes} bytes (BACKEND_MAX_BODY_BYTES or the route's max_body), by Content-Length before anything is sent, or while streaming (the backend request is then aborted)`,
  );
  const streamed = "streamed back unchanged (hop-by-hop headers and Set-Cookie removed); this document does not know the backend's API";
  return {
    ...(route.method === 'GET' || route.method === 'DELETE'
      ? {}
      : { requestBody: { required: false, description: `Streamed to the backend unchanged, at most ${maxBodyBytes} bytes`, content: backendBody(`Whatever backend '${backend}' accepts`) } }),
    responses: {
      '2XX': { description: `Backend '${backend}' answered a success: its status and body, ${streamed}`, content: backendBody(`Backend '${backend}''s own body`) },
      default: { description: `Any other answer of backend '${backend}', ${streamed}`, content: backendBody(`Backend '${backend}''s own body`) },
      ...ERROR_RESPONSES,
      413: tooLarge,
      503: errorResponse(`Backend '${backend}' unreachable, timed out or its circuit open`),
    },
  };
}

/** A media type's content: the envelope around `data`, bare JSON, or a described text or binary body. */
function contentOf(body: EdgeBody): { schema: JsonSchema } {
  if ('envelope' in body) return { schema: envelopeSchema(jsonSchemaOf(body.envelope, 'output'), !body.failed) };
  if ('json' in body) return { schema: jsonSchemaOf(body.json, 'output') };
  return { schema: body.binary ? { type: 'string', format: 'binary', description: body.text } : { type: 'string', description: body.text } };
}

const contentsOf = (bodies: Readonly<Record<string, EdgeBody>>) => Object.fromEntries(Object.entries(bodies).map(([mediaType, body]) => [mediaType, contentOf(body)]));

function ownOperation(route: OwnRouteDoc) {
  const others = Object.entries(route.otherAnswers ?? {}).map(([status, answer]) => [status, { description: answer.description, content: contentsOf(answer.content) }]);
  return {
    ...(route.requestBody ? { requestBody: { required: true, content: { [route.requestBody.mediaType]: { schema: route.requestBody.schema } } } } : {}),
    responses: { [route.successStatus]: { description: 'Success', content: contentsOf(route.success) }, ...ERROR_RESPONSES, ...Object.fromEntries(others) },
  };
}

export function edgeOperation(route: EdgeRouteDoc) {
  return {
    summary: route.summary,
    description: route.description,
    tags: [route.tag],
    operationId: operationIdOf(route.method, route.path),
    security: security(route.auth),
    parameters: [...pathParameters(route.path, route.pathParameters), ...queryParameters(route.query), ...headerParameters(route.requiredHeaders)],
    ...('passThrough' in route ? passThroughOperation(route) : ownOperation(route)),
  };
}
