import type { Principal } from './principal.ts';
import type { ProvenCaller } from './proven-callers.ts';

/** What every subgraph resolver receives: the verified caller and the request id. */
export interface SubgraphContext {
  readonly principal: Principal | null;
  readonly requestId: string;
  readonly clientAddress: string | null;
  /** Users the caller proved to be in an earlier fetch of this request (a login). */
  readonly provenCallers?: readonly ProvenCaller[];
  /** Set when an automation's action makes this call: events it causes carry the chain (loop guard). */
  readonly causedBy?: readonly string[];
}
