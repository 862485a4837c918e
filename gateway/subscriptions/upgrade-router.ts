import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { GraphQLError } from 'graphql';
import type { WebSocketServer } from 'ws';
import { httpStatusOf } from '../../core/errors/error-codes.ts';
import { contractCodeOf } from '../../core/errors/errors.ts';
import { retryAfterSecondsOf } from '../../core/errors/failure-class.ts';
import { errorEnvelope } from '../../core/http/envelope.ts';
import type { FaultLedger } from '../../core/faults/fault-ledger.ts';
import { containThrows } from '../../core/faults/contain.ts';
import { parseRequestTarget } from '../../core/http/request-target.ts';

/** A handler that answers the upgrade itself (the backend WebSocket proxy authenticates before any handshake). */
export type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

export interface UpgradeRouter {
  /** From now on upgrades are answered 503, so a draining replica takes no new subscribers. */
  refuseNew(): void;
}

function refuse(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** An upgrade refused before the handshake, with the REST error envelope its code calls for. */
export function refuseUpgrade(socket: Duplex, requestId: string, error: GraphQLError): void {
  const code = contractCodeOf(error) ?? 'INTERNAL_ERROR';
  const status = httpStatusOf(code);
  const body = JSON.stringify(errorEnvelope(code, requestId, code === 'INTERNAL_ERROR' ? undefined : error.message));
  const retryAfter = retryAfterSecondsOf(code, error.extensions);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `X-Request-ID: ${requestId}\r\n${retryAfter === undefined ? '' : `Retry-After: ${retryAfter}\r\n`}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/**
 * WebSocket upgrades on the HTTP server's port, by path: `/graphql` (graphql-ws), `/ws` (legacy), the backend's.
 * A throw while answering one (the handshake, a connection handler that runs inside it) destroys that socket only.
 */
export function routeUpgrades(server: Server, routes: Readonly<Record<string, WebSocketServer | UpgradeHandler>>, faults: FaultLedger): UpgradeRouter {
  let refusing = false;
  const route = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    if (refusing) return refuse(socket, '503 Service Unavailable');
    const target = parseRequestTarget(request.url);
    if (!target) return refuse(socket, '400 Bad Request');
    const handler = routes[target.pathname];
    if (!handler) return refuse(socket, '404 Not Found');
    if (typeof handler === 'function') return handler(request, socket, head);
    handler.handleUpgrade(request, socket, head, (client) => handler.emit('connection', client, request));
  };
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
    containThrows(route, (error) => {
      faults.contained('upgrade', error, null);
      socket.destroy();
    })(request, socket, head),
  );
  return {
    refuseNew() {
      refusing = true;
    },
  };
}
