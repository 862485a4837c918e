import type { Exchange } from '../../core/http/exchange.ts';
import type { EdgeContext } from '../executor/edge-context.ts';

/** The pipeline's steps, for routes that execute operations on behalf of a caller. */
export interface EdgeSteps {
  /** Identity then rate limit; on refusal the answer is sent (as an envelope) and false returned. */
  admit(exchange: Exchange): Promise<boolean>;
  context(exchange: Exchange): EdgeContext;
}
