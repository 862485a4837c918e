import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { INTERNAL_TOKEN_HEADER } from '../../subgraphs/shared/internal-token.ts';
import { REQUEST_ID_HEADER } from '../http/request-id.ts';
import type { EdgeContext } from './edge-context.ts';

/** A subgraph in its own process: the same internal token, sent as a header. */
export class AuthenticatedRemoteDataSource extends RemoteGraphQLDataSource<EdgeContext> {
  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<EdgeContext>): Promise<void> {
    const edge = context as Partial<EdgeContext>;
    if (!request.http || !edge.internalToken) return;
    request.http.headers.set(INTERNAL_TOKEN_HEADER, await edge.internalToken());
    if (edge.requestId) request.http.headers.set(REQUEST_ID_HEADER, edge.requestId);
  }
}
