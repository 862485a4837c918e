import type { IncomingMessage } from 'node:http';
import { finished, Transform } from 'node:stream';

export interface CappedBody {
  /** What the backend request reads: the caller's body, chunk by chunk, with backpressure. */
  readonly stream: Transform;
  /** True once the caller sent more than the cap: the stream failed (aborting the backend request) and the rest is discarded. */
  exceeded(): boolean;
}

/**
 * The caller's body on its way to the backend, counted as it passes and never held:
 * past `maxBytes` the stream fails, which aborts the backend request, and the rest of
 * the caller's body is read and dropped, so the caller can still read its 413.
 * Piped rather than `pipeline`d: a failure here must not destroy the caller's socket.
 */
export function cappedBody(request: IncomingMessage, maxBytes: number, count: (bytes: number) => void): CappedBody {
  let total = 0;
  let over = false;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      total += chunk.byteLength;
      if (total > maxBytes) {
        over = true;
        request.unpipe(stream);
        request.resume();
        return callback(new Error(`request body over ${maxBytes} bytes`));
      }
      count(chunk.byteLength);
      callback(null, chunk);
    },
  });
  request.pipe(stream);
  // `pipe` carries no errors: a caller that leaves mid-body must end the backend request too.
  finished(request, (error) => {
    if (error && !over) stream.destroy(error);
  });
  return { stream, exceeded: () => over };
}
