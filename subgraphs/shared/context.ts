import type { Principal } from '../../core/identity/principal.ts';

/** What every subgraph resolver receives: the verified caller and the request id. */
export interface SubgraphContext {
  readonly principal: Principal | null;
  readonly requestId: string;
  readonly clientAddress: string | null;
}
