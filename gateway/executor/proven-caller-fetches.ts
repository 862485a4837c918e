import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { CALLER_PROOF_EXTENSION, type CallerProofs } from '../../core/identity/caller-proof.ts';
import type { InternalCall } from '../../core/identity/internal-token.ts';
import type { ProvenCaller } from '../../core/identity/proven-callers.ts';
import type { EdgeContext } from './edge-context.ts';

type GatewayGraphQLResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

export interface ProvenCallerFetches {
  /** Wraps one subgraph's data source; every wrapped source shares the request's proven callers. */
  wrap(source: GraphQLDataSource<EdgeContext>): GraphQLDataSource<EdgeContext>;
}

/**
 * A login's payload asks for fields of the user just signed in to, some owned by
 * other subgraphs (`login { user { apiKeys { name } } }`), fetched later in the same
 * plan with the caller's (anonymous) internal token. When a subgraph's answer carries
 * a signed caller proof, the request's later fetches go out with an internal token
 * naming the proven callers, so their owner rules admit that user's fields, and only those.
 */
export function provenCallerFetches(options: {
  readonly proofs: CallerProofs;
  readonly sign: (call: InternalCall) => Promise<string>;
}): ProvenCallerFetches {
  // The context a request's later fetches run with, once some fetch proved a caller.
  const provenContexts = new WeakMap<object, { callers: readonly ProvenCaller[]; context: EdgeContext }>();

  const withProvenCallers = (edge: EdgeContext, callers: readonly ProvenCaller[]): EdgeContext => {
    let token: Promise<string> | undefined;
    const call = { principal: edge.principal, requestId: edge.requestId, clientAddress: edge.clientAddress, provenCallers: callers, causedBy: edge.causedBy ?? [] };
    return { ...edge, internalToken: () => (token ??= options.sign(call)) };
  };

  return {
    wrap: (source) => ({
      async process(processOptions: GraphQLDataSourceProcessOptions<EdgeContext>): Promise<GatewayGraphQLResponse> {
        const edge = processOptions.context as EdgeContext;
        const proven = provenContexts.get(edge);
        const response = await source.process(proven ? { ...processOptions, context: proven.context } : processOptions);
        const proof = response.extensions?.[CALLER_PROOF_EXTENSION];
        if (proof === undefined) return response;
        const { [CALLER_PROOF_EXTENSION]: _proof, ...extensions } = response.extensions ?? {};
        const callers = await options.proofs.verify(proof);
        if (callers && callers.length > 0) {
          const all = [...(proven?.callers ?? []), ...callers];
          provenContexts.set(edge, { callers: all, context: withProvenCallers(edge, all) });
        }
        return { ...response, extensions };
      },
    }),
  };
}
