import type { ApolloServer } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { EdgeContext } from './edge-context.ts';

export interface OperationResult {
  readonly data: Record<string, unknown> | null;
  readonly errors: readonly GraphQLFormattedError[];
}

export type ExecuteOperation = (query: string, variables: Record<string, unknown>, context: EdgeContext, operationName?: string) => Promise<OperationResult>;

/**
 * Runs an operation the edge itself composed (legacy routes, callbacks) through
 * the same Apollo server, plan and subgraphs as /graphql, with the caller's
 * edge context: one identity, one request id.
 */
export function operationExecutor(server: ApolloServer<EdgeContext>): ExecuteOperation {
  return async (query, variables, context, operationName) => {
    const response = await server.executeOperation({ query, variables, ...(operationName ? { operationName } : {}) }, { contextValue: context });
    if (response.body.kind !== 'single') throw new Error('The edge does not request incremental delivery');
    return { data: response.body.singleResult.data ?? null, errors: response.body.singleResult.errors ?? [] };
  };
}
