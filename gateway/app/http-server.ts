import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Server as NetServer, type AddressInfo, type Socket } from 'node:net';
import type { FaultLedger } from '../../core/faults/fault-ledger.ts';
import type { Lifecycle } from './lifecycle.ts';

/** Longer than the usual load balancer's idle timeout (60 s), so it closes idle connections first. */
const KEEP_ALIVE_MS = 65_000;
/**
 * How long an idle kept-alive connection stays open once shutdown begins: long
 * enough for a request the client had already sent to be read and answered.
 */
const IDLE_READ_GRACE_MS = 250;
/** Requests still running this long after shutdown began have their connections closed. */
const DRAIN_DEADLINE_MS = 5_000;

/** `handler` answers every request itself; what it still throws ends that request's connection, not the process. */
export function httpServer(handler: (request: IncomingMessage, response: ServerResponse) => Promise<void>, faults: FaultLedger): Server {
  return createServer({ keepAliveTimeout: KEEP_ALIVE_MS }, (request, response) => {
    handler(request, response).catch((error: unknown) => {
      faults.contained('http', error, null);
      response.destroy();
    });
  });
}

/**
 * Ends the server without dropping what clients already sent: it stops accepting
 * connections, answers every request already received (or arriving within the
 * grace on an open connection) with `Connection: close`, closes idle connections
 * after the grace, and resolves as soon as the last connection has closed. Node's
 * own `close()` would destroy idle connections at once, unread requests included.
 */
function drainer(server: Server): () => Promise<void> {
  const sockets = new Set<Socket>();
  const inFlight = new Map<Socket, number>();
  let draining = false;
  const closeIfIdle = (socket: Socket): void => {
    if (!inFlight.get(socket)) socket.end();
  };
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      inFlight.delete(socket);
    });
  });
  // Ahead of the edge's handler, so the header is set before any answer is written.
  server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
    const { socket } = request;
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    if (draining) response.setHeader('Connection', 'close');
    response.once('close', () => {
      inFlight.set(socket, (inFlight.get(socket) ?? 1) - 1);
      if (draining) closeIfIdle(socket);
    });
  });
  return () =>
    new Promise<void>((resolve) => {
      draining = true;
      // net.Server's close: stop listening, but leave open connections to us.
      NetServer.prototype.close.call(server, () => resolve());
      const idle = setTimeout(() => sockets.forEach(closeIfIdle), IDLE_READ_GRACE_MS);
      const deadline = setTimeout(() => server.closeAllConnections(), DRAIN_DEADLINE_MS);
      idle.unref();
      deadline.unref();
      server.once('close', () => {
        clearTimeout(idle);
        clearTimeout(deadline);
      });
    });
}

/** Listens, and registers the drain of the requests in flight; resolves with the URL clients use. */
export async function listen(server: Server, at: { host: string; port: number }, lifecycle: Lifecycle): Promise<string> {
  const drain = drainer(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => resolve());
  });
  lifecycle.onShutdown('drain http', 'http server', drain);
  const { port } = server.address() as AddressInfo;
  const host = at.host === '0.0.0.0' || at.host === '::' ? '127.0.0.1' : at.host;
  return `http://${host}:${port}`;
}
