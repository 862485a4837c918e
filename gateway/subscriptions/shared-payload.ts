/**
 * One event's `next` payload for one fan-out group, serialised once. Each
 * socket sends it in a frame of its own operation id; the frame's bytes are
 * kept per id, so sockets whose clients chose the same id (graphql-ws clients
 * that count from 1, the legacy clients) all write the very same Buffer, with
 * no per-socket string encoding.
 */
export interface SharedPayload {
  /** `{"id":…,"type":"next","payload":…}`, as graphql-ws's `stringifyMessage` writes it. */
  frame(operationId: string): Buffer;
}

export function sharedPayload(json: string): SharedPayload {
  const frames = new Map<string, Buffer>();
  return {
    frame(operationId) {
      let frame = frames.get(operationId);
      if (!frame) frames.set(operationId, (frame = Buffer.from(`{"id":${JSON.stringify(operationId)},"type":"next","payload":${json}}`)));
      return frame;
    },
  };
}
