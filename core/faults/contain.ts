/**
 * An emitter's listener made safe to hand over: a throw from it goes to `onThrow`
 * instead of up through the emitter to the process. Input reaches many callbacks
 * (busboy's parts, WebSocket frames, upgrade requests, bus messages, response
 * hooks); whatever one of them throws must end that request or connection only.
 */
export function containThrows<A extends unknown[]>(listener: (...args: A) => void, onThrow: (error: unknown) => void): (...args: A) => void {
  return (...args) => {
    try {
      listener(...args);
    } catch (error) {
      onThrow(error);
    }
  };
}

/** `consume(...)` as a promise: a synchronous throw becomes its rejection, so a caller's `.catch` sees it. */
export function promiseOf<T>(consume: () => Promise<T> | T): Promise<T> {
  try {
    return Promise.resolve(consume());
  } catch (error) {
    return Promise.reject(error);
  }
}
