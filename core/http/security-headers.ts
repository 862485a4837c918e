import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { EdgePlugin } from './edge-plugin.ts';

/** CONTRACT.md section 8. API responses get a CSP that allows nothing to load. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * Apollo Sandbox, the landing page outside production, is a script and an iframe
 * served by Apollo; this is the narrowest policy under which it still works. The
 * same landing page may be GraphiQL (LANDING_PAGE=graphiql), whose fonts are data URLs.
 */
export const SANDBOX_CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline' https://embeddable-sandbox.cdn.apollographql.com",
  "style-src 'self' 'unsafe-inline' https://fonts.googleapis.com",
  "font-src 'self' data: https://fonts.gstatic.com",
  "img-src 'self' data: https://apollo-server-landing-page.cdn.apollographql.com",
  'frame-src https://sandbox.embed.apollographql.com',
  "connect-src 'self'",
  "manifest-src 'self' https://apollo-server-landing-page.cdn.apollographql.com",
  "frame-ancestors 'none'",
].join('; ');

/**
 * GraphiQL as this gateway serves it (`/graphiql`, and the `/graphql` landing page
 * with LANDING_PAGE=graphiql): every script and style from this origin, fonts as
 * data URLs, HTTP and graphql-ws to this origin only. CodeMirror sets inline styles.
 */
export const GRAPHIQL_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function applySecurityHeaders(request: IncomingMessage, response: ServerResponse): void {
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('Content-Security-Policy', API_CSP);
  const forwardedProto = request.headers['x-forwarded-proto'];
  if ((request.socket as TLSSocket).encrypted || forwardedProto === 'https') {
    response.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  }
}

export function securityHeadersPlugin(): EdgePlugin {
  return { name: 'security-headers', onRequest: (exchange) => applySecurityHeaders(exchange.request, exchange.response) };
}
