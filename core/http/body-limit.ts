import type { EdgePlugin } from './edge-plugin.ts';

export interface BodyLimitOptions {
  /** BODY_LIMIT_BYTES: the most any route reads of a request body (the multipart upload streams to disk under its own limit). */
  readonly bytes: number;
  /** JSON_MAX_DEPTH: how deep objects and arrays in a JSON body may nest. */
  readonly jsonMaxDepth: number;
}

/** Decides how much of a request body routes may read (readers stop there with a 413) and how deep its JSON may nest (400). */
export function bodyLimitPlugin(options: BodyLimitOptions): EdgePlugin {
  return {
    name: 'body-limit',
    onRequest(exchange) {
      exchange.bodyLimitBytes = options.bytes;
      exchange.jsonMaxDepth = options.jsonMaxDepth;
    },
  };
}
