import type { IncomingMessage } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLRequest } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import type { Exchange } from './exchange.ts';
import { parseJsonBody, readBody } from './read-body.ts';
import { sendGraphQLError } from './respond.ts';
import { SANDBOX_CSP } from './security-headers.ts';

export interface GraphQLRouteOptions<TContext extends BaseContext> {
  readonly server: ApolloServer<TContext>;
}

function headerMap(request: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/** Hands one HTTP request to Apollo Server with the context the edge built. */
export function graphqlRoute<TContext extends BaseContext>(options: GraphQLRouteOptions<TContext>) {
  return async (exchange: Exchange, context: TContext): Promise<void> => {
    const { request, response, url } = exchange;
    let body: unknown;
    try {
      body = request.method === 'POST' ? parseJsonBody(await readBody(request, exchange.bodyLimitBytes), exchange.jsonMaxDepth) : undefined;
    } catch (error) {
      sendGraphQLError(response, error as GraphQLError);
      return;
    }
    const httpGraphQLRequest: HTTPGraphQLRequest = {
      method: request.method ?? 'GET',
      headers: headerMap(request),
      search: url.search,
      body,
    };
    const result = await options.server.executeHTTPGraphQLRequest({
      httpGraphQLRequest,
      context: async () => context,
    });
    response.statusCode = result.status ?? 200;
    for (const [name, value] of result.headers) response.setHeader(name, value);
    if (result.headers.get('content-type')?.startsWith('text/html')) response.setHeader('Content-Security-Policy', SANDBOX_CSP);
    if (result.body.kind === 'complete') {
      response.end(result.body.string);
      return;
    }
    for await (const chunk of result.body.asyncIterator) response.write(chunk);
    response.end();
  };
}
