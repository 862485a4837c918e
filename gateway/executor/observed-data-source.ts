import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { EdgeContext } from './edge-context.ts';

type GatewayGraphQLResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

export interface FetchObserver {
  /** Called after every subgraph fetch of a query plan, in process or remote. */
  (subgraph: string, seconds: number, failed: boolean): void;
}

/**
 * Times each subgraph fetch and notes, on the request, which module subgraph the
 * plan reached (the usage record's `module`).
 */
export function observedDataSource(
  name: string,
  inner: GraphQLDataSource<EdgeContext>,
  isModule: boolean,
  onFetch: FetchObserver,
): GraphQLDataSource<EdgeContext> {
  return {
    async process(options: GraphQLDataSourceProcessOptions<EdgeContext>): Promise<GatewayGraphQLResponse> {
      const notes = (options.context as Partial<EdgeContext>).notes;
      if (isModule && notes) notes.module ??= name;
      const started = performance.now();
      let failed = true;
      try {
        const response = await inner.process(options);
        failed = (response.errors?.length ?? 0) > 0;
        return response;
      } finally {
        onFetch(name, (performance.now() - started) / 1000, failed);
      }
    },
  };
}
