import type { IncomingMessage } from 'node:http';
import type { FaultLedger } from '../../core/faults/fault-ledger.ts';
import { parseRequestTarget, ROOT_TARGET } from '../../core/http/request-target.ts';
import type { Duplex } from 'node:stream';
import type { GraphQLError } from 'graphql';
import { WebSocket, WebSocketServer } from 'ws';
import { contractCodeOf, serviceUnavailable } from '../../core/errors/errors.ts';
import { httpStatusOf } from '../../core/errors/error-codes.ts';
import { dependencyUnavailable } from '../../core/errors/failure-class.ts';
import { upstreamStatusError } from '../../core/errors/upstream-errors.ts';
import { clientAddress } from '../../core/http/client-address.ts';
import { requestIdFor } from '../../core/http/request-id.ts';
import type { TrustProxy } from '../../core/http/trusted-proxies.ts';
import type { Principal } from '../../core/identity/principal.ts';
import type { Logger } from '../../core/logger.ts';
import { principalAssertion } from '../../core/upstream/principal-assertion.ts';
import { admitConnection, closeFrameOf, connectionCredentials, type ConnectionAdmissionOptions } from '../subscriptions/connection-auth.ts';
import { refuseUpgrade } from '../subscriptions/upgrade-router.ts';
import type { WebSocketUsage } from '../usage/websocket-usage.ts';
import { backendRequestHeaders } from './backend-headers.ts';
import type { BackendMeter } from './backend-metrics.ts';
import type { BackendWebSocket } from './backend-routes.ts';
import { relayWebSockets } from './websocket-relay.ts';

export interface BackendWebSocketOptions extends ConnectionAdmissionOptions {
  /** Told of a relay listener that threw. */
  readonly faults: FaultLedger;
  readonly config: BackendWebSocket;
  /** UPSTREAM_SIGNING_SECRET, for the principal header of the backend handshake. */
  readonly signingSecret: Uint8Array;
  readonly trustProxy: TrustProxy;
  /** The connection gauge and one usage record per connection (at its end). */
  readonly usage: WebSocketUsage;
  readonly meter: BackendMeter;
  readonly logger: Logger;
}

export interface BackendWebSocketProxy {
  readonly name: string;
  /** For the upgrade router: authenticate, connect the backend, then accept the caller. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  connections(): number;
  /** Closes every relayed connection (1001 both ways) and refuses new ones. */
  close(): Promise<void>;
}

/** Query parameters that are the gateway's credentials, not the backend's input. */
const CREDENTIAL_PARAMS = ['api_key', 'token'];

/**
 * A WebSocket pass-through on BACKEND_WS_PATH: the caller is authenticated and
 * counted at the upgrade (as a subscription connection is), the backend is
 * connected before the caller's handshake is answered (so a backend that is down
 * is a 503 envelope, not an open socket that dies), then frames are relayed.
 */
export function backendWebSocketProxy(options: BackendWebSocketOptions): BackendWebSocketProxy {
  const { config } = options;
  const name = config.path;
  const route = `WS ${config.path}`;
  const chosenProtocol = new WeakMap<IncomingMessage, string>();
  const server = new WebSocketServer({
    noServer: true,
    maxPayload: config.maxPayloadBytes,
    handleProtocols: (_protocols, request) => chosenProtocol.get(request) ?? false,
  });
  const sign = principalAssertion({ secret: options.signingSecret, audience: name });
  const live = new Set<{ client: WebSocket; backend: WebSocket; closed: Promise<void> }>();
  let closing = false;

  const backendUrl = (request: IncomingMessage): string => {
    const target = new URL(config.url);
    const asked = (parseRequestTarget(request.url) ?? ROOT_TARGET).searchParams;
    for (const [key, value] of asked) if (!CREDENTIAL_PARAMS.includes(key)) target.searchParams.append(key, value);
    return target.toString();
  };

  const connectBackend = async (request: IncomingMessage, principal: Principal, requestId: string): Promise<WebSocket | GraphQLError> => {
    const headers = backendRequestHeaders(request, { trustProxy: options.trustProxy, requestId, principal: await sign(principal) });
    for (const header of Object.keys(headers)) if (header.startsWith('sec-websocket-')) delete headers[header];
    const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
    const backend = new WebSocket(backendUrl(request), offered, {
      headers: headers as Record<string, string>,
      handshakeTimeout: config.timeoutMs,
      perMessageDeflate: false,
      maxPayload: config.maxPayloadBytes,
    });
    return new Promise((resolve) => {
      backend.once('open', () => {
        // Held until the relay listens, so a greeting sent with the handshake is not lost.
        backend.pause();
        resolve(backend);
      });
      backend.once('unexpected-response', (_request, response) => {
        response.resume();
        backend.terminate();
        resolve(upstreamStatusError(`Backend '${name}'`, response.statusCode ?? 502, undefined));
      });
      backend.once('error', (error) => {
        const timedOut = /timed out|timeout/i.test(error.message);
        resolve(dependencyUnavailable(name, timedOut ? 'timeout' : 'unreachable', `Backend '${name}'`));
      });
    });
  };

  const refuse = (socket: Duplex, requestId: string, principal: Principal | null, error: GraphQLError, started: number): void => {
    const code = contractCodeOf(error) ?? 'INTERNAL_ERROR';
    options.usage.message({ principal, requestId, route, operationName: null, status: httpStatusOf(code), latencyMs: performance.now() - started, bytesIn: 0, bytesOut: 0 });
    refuseUpgrade(socket, requestId, error);
  };

  async function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const requestId = requestIdFor(request.headers);
    const started = performance.now();
    if (closing) return refuse(socket, requestId, null, serviceUnavailable('The gateway is shutting down'), started);
    const url = (parseRequestTarget(request.url) ?? ROOT_TARGET);
    let end: ((reason: GraphQLError) => void) | undefined;
    const admission = await admitConnection(options, connectionCredentials(undefined, request, url), clientAddress(request, options.trustProxy), (principal) => ({
      principal,
      end: (reason) => end?.(reason),
    }));
    if ('refusal' in admission) return refuse(socket, requestId, null, admission.refusal, started);
    const { principal, release } = admission;
    const backend = await connectBackend(request, principal, requestId);
    if (!(backend instanceof WebSocket)) {
      release();
      return refuse(socket, requestId, principal, backend, started);
    }
    if (socket.destroyed || closing) {
      release();
      backend.close(1001, 'Client went away');
      return;
    }
    if (backend.protocol) chosenProtocol.set(request, backend.protocol);
    server.handleUpgrade(request, socket, head, (client) => {
      options.usage.opened();
      options.meter.webSocket(name, 1);
      let markClosed: () => void = () => undefined;
      const entry = { client, backend, closed: new Promise<void>((resolve) => (markClosed = resolve)) };
      live.add(entry);
      end = (reason) => client.close(...closeFrameOf(reason));
      client.on('error', (error) => options.logger.debug({ err: error }, 'backend WebSocket: client socket error'));
      backend.on('error', (error) => options.logger.debug({ err: error }, 'backend WebSocket: backend socket error'));
      relayWebSockets(client, backend, {
        onMessage: (direction) => options.meter.webSocketMessage(name, direction),
        onFault: (error) => options.faults.contained('websocket', error, requestId),
        onClosed(stats) {
          live.delete(entry);
          release();
          options.usage.closed();
          options.meter.webSocket(name, -1);
          options.usage.message({
            principal,
            requestId,
            route,
            operationName: null,
            status: 200,
            latencyMs: performance.now() - started,
            bytesIn: stats.bytesToBackend,
            bytesOut: stats.bytesToClient,
          });
          markClosed();
        },
      });
      backend.resume();
    });
  }

  return {
    name,
    handleUpgrade(request, socket, head) {
      upgrade(request, socket, head).catch((error: unknown) => {
        options.faults.contained('upgrade', error, null);
        socket.destroy();
      });
    },
    connections: () => live.size,
    async close() {
      closing = true;
      const pending = [...live];
      for (const { client, backend } of pending) {
        client.close(1001, 'Gateway shutting down');
        backend.close(1001, 'Gateway shutting down');
      }
      const all = Promise.all(pending.map((entry) => entry.closed));
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, 5_000)));
      await Promise.race([all, late]);
      clearTimeout(timer);
      for (const { client, backend } of live) {
        client.terminate();
        backend.terminate();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
