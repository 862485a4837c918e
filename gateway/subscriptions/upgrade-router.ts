import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';

export interface UpgradeRouter {
  /** From now on upgrades are answered 503, so a draining replica takes no new subscribers. */
  refuseNew(): void;
}

function refuse(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** WebSocket upgrades on the HTTP server's port, by path: `/graphql` (graphql-ws) and `/ws` (legacy). */
export function routeUpgrades(server: Server, routes: Readonly<Record<string, WebSocketServer>>): UpgradeRouter {
  let refusing = false;
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (refusing) return refuse(socket, '503 Service Unavailable');
    const path = new URL(request.url ?? '/', 'http://gateway.invalid').pathname;
    const target = routes[path];
    if (!target) return refuse(socket, '404 Not Found');
    target.handleUpgrade(request, socket, head, (client) => target.emit('connection', client, request));
  });
  return {
    refuseNew() {
      refusing = true;
    },
  };
}
