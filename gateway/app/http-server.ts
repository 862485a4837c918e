import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Lifecycle } from './lifecycle.ts';

/** Longer than the usual load balancer's idle timeout (60 s), so it closes idle connections first. */
const KEEP_ALIVE_MS = 65_000;
/** Requests still running this long after shutdown began have their connections closed. */
const DRAIN_GRACE_MS = 5_000;

export function httpServer(handler: (request: IncomingMessage, response: ServerResponse) => Promise<void>): Server {
  return createServer({ keepAliveTimeout: KEEP_ALIVE_MS }, (request, response) => void handler(request, response));
}

/** Listens, and registers the drain of the requests in flight; resolves with the URL clients use. */
export async function listen(server: Server, at: { host: string; port: number }, lifecycle: Lifecycle): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => resolve());
  });
  lifecycle.onShutdown(
    'drain http',
    'http server',
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), DRAIN_GRACE_MS).unref();
      }),
  );
  const { port } = server.address() as AddressInfo;
  const host = at.host === '0.0.0.0' || at.host === '::' ? '127.0.0.1' : at.host;
  return `http://${host}:${port}`;
}
