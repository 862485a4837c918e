import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';
/** A client's id is honoured only if it is short and plain, so it is safe to echo and log. */
const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdFor(headers: IncomingHttpHeaders): string {
  const sent = headers[REQUEST_ID_HEADER];
  const candidate = Array.isArray(sent) ? sent[0] : sent;
  if (candidate && ACCEPTABLE.test(candidate)) return candidate;
  return `req_${randomBytes(9).toString('base64url')}`;
}
