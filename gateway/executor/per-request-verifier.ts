import type { InternalCall, InternalTokens } from '../../core/identity/internal-token.ts';
import type { EdgeContext } from './edge-context.ts';

export type PerRequestVerifier = (edge: Partial<EdgeContext>) => Promise<InternalCall>;

/**
 * Verifies a client request's internal token once, whichever in-process subgraph
 * asks first, instead of once per fetch (a query plan makes many fetches with
 * the same token). Keyed by the request's context, so the result goes with it.
 */
export function perRequestVerifier(tokens: InternalTokens): PerRequestVerifier {
  const verified = new WeakMap<object, Promise<InternalCall>>();
  return (edge) => {
    let call = verified.get(edge);
    if (!call) {
      call = (edge.internalToken ? edge.internalToken() : Promise.resolve(undefined)).then((token) => tokens.verify(token));
      verified.set(edge, call);
    }
    return call;
  };
}
