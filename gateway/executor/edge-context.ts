import type { Principal } from '../../subgraphs/shared/principal.ts';

/** Per-request state of the edge, handed to Apollo as its context value. */
export interface EdgeContext {
  readonly principal: Principal | null;
  readonly requestId: string;
  /** Signed once per request, on first use, and reused for every subgraph fetch. */
  readonly internalToken: () => Promise<string>;
}

export function edgeContext(
  principal: Principal | null,
  requestId: string,
  sign: (call: { principal: Principal | null; requestId: string }) => Promise<string>,
): EdgeContext {
  let token: Promise<string> | undefined;
  return {
    principal,
    requestId,
    internalToken: () => (token ??= sign({ principal, requestId })),
  };
}
