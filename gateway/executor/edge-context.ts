import type { InternalCall } from '../../subgraphs/shared/internal-token.ts';
import type { Principal } from '../../subgraphs/shared/principal.ts';

/** Per-request state of the edge, handed to Apollo as its context value. */
export interface EdgeContext {
  readonly principal: Principal | null;
  readonly requestId: string;
  readonly clientAddress: string;
  /** Signed once per request, on first use, and reused for every subgraph fetch. */
  readonly internalToken: () => Promise<string>;
}

export function edgeContext(
  principal: Principal | null,
  requestId: string,
  clientAddress: string,
  sign: (call: InternalCall) => Promise<string>,
): EdgeContext {
  let token: Promise<string> | undefined;
  return {
    principal,
    requestId,
    clientAddress,
    internalToken: () => (token ??= sign({ principal, requestId, clientAddress })),
  };
}
