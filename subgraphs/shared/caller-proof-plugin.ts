import type { ApolloServerPlugin } from '@apollo/server';
import { proofExtensions, type CallerProofs } from '../../core/identity/caller-proof.ts';
import type { SubgraphContext } from '../../core/identity/subgraph-context.ts';
import { callersProvenDuring } from '../../core/identity/proven-callers.ts';

/** A subgraph in its own process adds what a login proved to its answer's `extensions`, for the edge. */
export function callerProofPlugin(proofs: CallerProofs): ApolloServerPlugin<SubgraphContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          const extensions = await proofExtensions(proofs, callersProvenDuring(contextValue));
          if (!extensions) return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, ...extensions };
        },
      };
    },
  };
}
