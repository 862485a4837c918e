import type { GraphQLError } from 'graphql';
import type { Principal } from '../../core/identity/principal.ts';

/** What one graphql-ws connection carries into every operation it runs. */
export interface SubscriptionContext {
  readonly principal: Principal;
  readonly clientAddress: string;
  /** Names the connection in request ids and logs. */
  readonly connectionId: string;
  /** Closes the connection with the error's close code. */
  end(reason: GraphQLError): void;
}
