import { security } from './bridge-operation.ts';
import type { EdgeRouteDoc } from './edge-route-doc.ts';
import { ERROR_RESPONSES, errorResponse } from './json-schemas.ts';
import { headerParameters, operationIdOf, pathParameters, queryParameters } from './operation-parameters.ts';

const ANY_CONTENT = { '*/*': { schema: {} } };

function passThroughResponses({ backend, maxBodyBytes }: NonNullable<EdgeRouteDoc['passThrough']>) {
  const unavailable = errorResponse(`Backend '${backend}' unreachable, timed out or its circuit open`);
  const tooLarge = errorResponse(
    `PAYLOAD_TOO_LARGE: a body over ${maxBodyBytes} bytes (BACKEND_MAX_BODY_BYTES or the route's max_body), by Content-Length before anything is sent, or while streaming (the backend request is then aborted)`,
  );
  return { default: { description: "The backend's own response, streamed back unchanged (hop-by-hop headers and Set-Cookie removed)", content: ANY_CONTENT }, ...ERROR_RESPONSES, 413: tooLarge, 503: unavailable };
}

export function edgeOperation(route: EdgeRouteDoc) {
  const common = {
    summary: route.summary,
    description: route.description,
    tags: [route.tag],
    operationId: operationIdOf(route.method, route.path),
    security: security(route.auth),
    parameters: [...pathParameters(route.path, route.pathParameters), ...queryParameters(route.query), ...headerParameters(route.requiredHeaders)],
  };
  if (route.passThrough) {
    return {
      ...common,
      ...(route.method === 'GET' || route.method === 'DELETE'
        ? {}
        : { requestBody: { required: false, description: `Streamed to the backend unchanged, at most ${route.passThrough.maxBodyBytes} bytes`, content: ANY_CONTENT } }),
      responses: passThroughResponses(route.passThrough),
    };
  }
  return {
    ...common,
    ...(route.requestBody ? { requestBody: { required: true, content: { [route.requestBody.mediaType]: { schema: route.requestBody.schema } } } } : {}),
    responses: {
      [route.successStatus]: {
        description: 'Success',
        content: Object.fromEntries((route.responseMediaTypes ?? ['application/json']).map((type) => [type, { schema: { type: type.endsWith('json') ? 'object' : 'string' } }])),
      },
      ...ERROR_RESPONSES,
    },
  };
}
