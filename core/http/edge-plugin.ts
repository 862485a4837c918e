import type { GraphQLError } from 'graphql';
import type { Exchange } from './exchange.ts';

/** What a finished response reports to the plugins. */
export interface ResponseDone {
  readonly latencyMs: number;
  readonly bytesOut: number;
}

/**
 * One concern of the edge, in the manner of Hive Gateway's and Envelop's plugins:
 * a name and the hooks it needs. The pipeline calls each hook in plugin order.
 */
export interface EdgePlugin {
  readonly name: string;
  /** Before routing. Returning true means the plugin answered (a preflight) and the request stops there. */
  onRequest?(exchange: Exchange): boolean | void;
  /**
   * For routes that execute operations on behalf of a caller (identity, then limits).
   * The first refusal ends admission and is what the route answers.
   */
  onAdmit?(exchange: Exchange): Promise<GraphQLError | null>;
  /** Runs the route inside this plugin's scope (a tracing span's context). */
  wrapRoute?<T>(exchange: Exchange, route: () => Promise<T>): Promise<T>;
  /** Once the response has been sent. */
  onResponse?(exchange: Exchange, done: ResponseDone): void;
}
