import type { IncomingMessage } from 'node:http';
import { firstUntrustedHop, type TrustProxy } from './trusted-proxies.ts';

/**
 * The caller's address, for anonymous rate limits and login throttling.
 * X-Forwarded-For is read only through the proxies TRUST_PROXY names, from the
 * right: anyone can write entries, only our proxies append true ones.
 */
export function clientAddress(request: IncomingMessage, trustProxy: TrustProxy): string {
  const peer = request.socket.remoteAddress ?? 'unknown';
  if (trustProxy.kind === 'none') return peer;
  const header = request.headers['x-forwarded-for'];
  const entries = (Array.isArray(header) ? header.join(',') : header ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  return firstUntrustedHop(peer, entries, trustProxy);
}
