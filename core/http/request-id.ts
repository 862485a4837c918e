import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { EdgePlugin } from './edge-plugin.ts';

export const REQUEST_ID_HEADER = 'x-request-id';
/** A client's id is honoured only if it is short and plain, so it is safe to echo and log. */
const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdFor(headers: IncomingHttpHeaders): string {
  const sent = headers[REQUEST_ID_HEADER];
  const candidate = Array.isArray(sent) ? sent[0] : sent;
  if (candidate && ACCEPTABLE.test(candidate)) return candidate;
  return `req_${randomBytes(9).toString('base64url')}`;
}

/** First of every pipeline: the id every log line, envelope and span of this request carries. */
export function requestIdPlugin(): EdgePlugin {
  return {
    name: 'request-id',
    onRequest(exchange) {
      exchange.requestId = requestIdFor(exchange.request.headers);
      exchange.response.setHeader('X-Request-ID', exchange.requestId);
    },
  };
}
