import type { Exchange } from '../../core/http/exchange.ts';
import type { EdgeContext } from '../executor/edge-context.ts';

/** The pipeline's steps, for routes that execute operations on behalf of a caller. */
/**
 * What the admitted route does with the request: runs a GraphQL operation (the executor
 * checks its fields against a limited credential) or passes it on (a backend, an upload),
 * which a limited credential may not do at all.
 */
export type RouteKind = 'operation' | 'pass-through';

export interface EdgeSteps {
  /**
   * Identity then rate limit; on refusal the answer is sent (as an envelope) and false returned.
   * @param kind @default 'pass-through'
   */
  admit(exchange: Exchange, kind?: RouteKind): Promise<boolean>;
  context(exchange: Exchange): EdgeContext;
}
