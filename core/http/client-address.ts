import type { IncomingMessage } from 'node:http';

/**
 * The caller's address, for anonymous rate limits and login throttling.
 * X-Forwarded-For is believed only when configured: anyone can send it.
 */
export function clientAddress(request: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = request.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return request.socket.remoteAddress ?? 'unknown';
}
