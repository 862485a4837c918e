import { GraphQLError, parse, type DocumentNode } from 'graphql';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { contractCodeOf } from '../../core/errors/errors.ts';
import type { EdgeContext } from './edge-context.ts';
import { fetchResponsePaths } from './fetch-response-paths.ts';

type GatewayGraphQLResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

function parsedOrNull(query: string | undefined): DocumentNode | null {
  try {
    return query ? parse(query) : null;
  } catch {
    return null;
  }
}

/**
 * A fetch that failed as a whole (the subgraph refused or reset the connection,
 * timed out, answered 502-504) is answered as the subgraph would have answered had
 * each field it was asked for failed: no data, and one error per part, with its
 * path. Apollo's executor then places each error on the client's path, names the
 * subgraph (`extensions.serviceName`) and nulls what is missing as the GraphQL spec
 * says, so the rest of the operation is still answered. Thrown, the failure would
 * be one error with no path and no subgraph named: a client could not tell which
 * parts are missing. Failures without a contract code (bugs) are still thrown, to
 * be masked and logged.
 */
export function failedFetchAsFieldErrors(source: GraphQLDataSource<EdgeContext>): GraphQLDataSource<EdgeContext> {
  return {
    async process(options: GraphQLDataSourceProcessOptions<EdgeContext>): Promise<GatewayGraphQLResponse> {
      try {
        return await source.process(options);
      } catch (error) {
        const code = error instanceof GraphQLError ? contractCodeOf(error) : undefined;
        if (!(error instanceof GraphQLError) || code === undefined || code === 'INTERNAL_ERROR') throw error;
        const planned = options.kind === 'incoming operation' ? options : undefined;
        const document = planned?.document ?? parsedOrNull(options.request.query);
        const paths = document ? fetchResponsePaths(document, options.request, planned?.incomingRequestContext.schema) : [];
        if (paths.length === 0) throw error;
        // The status is decided for the whole answer (core/errors/result-status.ts), not by each error.
        const { http: _http, ...extensions } = error.extensions;
        return { errors: paths.map((path) => ({ message: error.message, path, extensions })) };
      }
    },
  };
}
