import type { WebSocket } from 'ws';
import type { SharedPayload } from './shared-payload.ts';

export interface SocketDeliveryOptions<E> {
  /** The subscriber's own feed from the hub; its `return()` ends a pending `next()`. */
  readonly events: AsyncGenerator<E, undefined>;
  /** The serialised `next` payload of an event, shared with the rest of the subscriber's group. */
  readonly payloadOf: (event: E) => Promise<SharedPayload>;
  readonly socket: WebSocket;
  /** The graphql-ws operation id the frames are sent under. */
  readonly operationId: string;
}

/**
 * Sends a subscription's events on its socket itself instead of yielding them
 * to graphql-ws, so a group's payload is serialised once and each socket only
 * sends it in the frame of its own operation id (`shared-payload.ts`). The returned generator never
 * yields: graphql-ws awaits it as the subscription's stream, completes the
 * operation when it ends and calls `return()` on `complete` or close.
 *
 * Backpressure is per socket, as before: the next event is taken from this
 * subscriber's feed only once the previous frame's send callback has run, so a
 * slow socket falls behind in its own feed (and is ended by the hub's
 * `maxQueuedEvents`) without holding up anyone else's.
 */
export function socketDelivery<E>(options: SocketDeliveryOptions<E>): AsyncGenerator<never, undefined> {
  const send = (frame: Buffer): Promise<void> =>
    new Promise((resolve, reject) => {
      // As graphql-ws's own adapter: a socket that is going away is not written to.
      if (options.socket.readyState !== options.socket.OPEN) return resolve();
      // A text frame, as graphql-ws sends; ws writes the shared Buffer without copying it.
      options.socket.send(frame, { binary: false }, (error) => (error ? reject(error) : resolve()));
    });

  const generator: AsyncGenerator<never, undefined> = {
    async next() {
      for (;;) {
        const taken = await options.events.next();
        if (taken.done) return { value: undefined, done: true };
        const payload = await options.payloadOf(taken.value);
        await send(payload.frame(options.operationId));
      }
    },
    async return() {
      await options.events.return(undefined);
      return { value: undefined, done: true };
    },
    async throw(error: unknown) {
      await options.events.return(undefined);
      throw error;
    },
    [Symbol.asyncIterator]() {
      return generator;
    },
  };
  return generator;
}
