import type { Server } from 'node:http';
import type { Logger } from '../../core/logger.ts';
import { legacyWsServer } from '../../rest-bridge/legacy-ws.ts';
import { subscriptionAccess } from '../../subgraphs/subscription-access.ts';
import { connectionRegistry, type ConnectionRegistry } from '../subscriptions/connection-registry.ts';
import { credentialRecheck } from '../identity/credential-recheck.ts';
import { eventHub, type EventHub } from '../subscriptions/event-hub.ts';
import { graphqlWsServer } from '../subscriptions/graphql-ws-server.ts';
import { routeUpgrades, type UpgradeHandler } from '../subscriptions/upgrade-router.ts';
import { backendWebSocketProxy, type BackendWebSocketProxy } from '../backend/backend-websocket.ts';
import type { BackendMeter } from '../backend/backend-metrics.ts';
import { webSocketUsage, type WebSocketUsage } from '../usage/websocket-usage.ts';
import type { AppConfig } from './config/app-config.ts';
import type { GatewayServices } from './gateway-services.ts';
import type { Lifecycle } from './lifecycle.ts';
import type { Storage } from './storage.ts';
import type { FaultLedger } from '../../core/faults/fault-ledger.ts';

/** This replica's subscribers: the events they are fed and the connections they hold. */
export interface SubscriptionState {
  readonly hub: EventHub;
  readonly registry: ConnectionRegistry;
}

export function subscriptionState(config: AppConfig, storage: Storage, logger: Logger): SubscriptionState {
  const { events } = storage.shared;
  return {
    hub: eventHub({ events, maxQueuedEvents: config.subscriptions.maxQueuedEvents }),
    registry: connectionRegistry({
      events,
      maxConnectionsPerPrincipal: config.subscriptions.maxConnectionsPerPrincipal,
      recheck: credentialRecheck(storage.database.prisma),
      logger,
    }),
  };
}

export interface AttachedSockets {
  readonly usage: WebSocketUsage;
  /** BACKEND_WS_PATH's pass-through, when BACKEND_WS_URL is set. */
  readonly backend: BackendWebSocketProxy | null;
}

/** graphql-ws on /graphql, the legacy /ws and the backend's WebSocket, sharing the HTTP port and the edge's identity and limits. */
export function attachSockets(
  server: Server,
  state: SubscriptionState,
  config: AppConfig,
  services: GatewayServices & { readonly backendMeter: BackendMeter; readonly faults: FaultLedger },
  lifecycle: Lifecycle,
  logger: Logger,
): AttachedSockets {
  const { hub, registry } = state;
  const admission = { authenticate: services.authenticate, rateLimit: services.rateLimit, registry, limitOf: services.credentialLimit };
  const usage = webSocketUsage(services.usage, services.metrics);
  const production = config.env === 'production';
  const graphqlWs = graphqlWsServer({
    ...admission,
    schema: services.apiSchema,
    hub,
    execute: services.execute,
    signInternalToken: services.tokens.sign,
    authorizeSubscription: subscriptionAccess,
    operationLimits: config.operationLimits,
    trustProxy: config.trustProxy,
    logger,
    production,
    exposeStackTraces: config.exposeStackTraces,
    maxPayloadBytes: config.http.bodyLimitBytes,
    usage,
  });
  const legacyWs = legacyWsServer({ ...admission, hub, trustProxy: config.trustProxy, logger, usage, faults: services.faults });
  const backendSocket = config.backend.webSocket
    ? backendWebSocketProxy({
        ...admission,
        config: config.backend.webSocket,
        signingSecret: config.modules.signingSecret,
        trustProxy: config.trustProxy,
        usage,
        meter: services.backendMeter,
        logger,
        faults: services.faults,
      })
    : null;
  const backendRoute: Record<string, UpgradeHandler> = backendSocket ? { [backendSocket.name]: (...args) => backendSocket.handleUpgrade(...args) } : {};
  const upgrades = routeUpgrades(server, { '/graphql': graphqlWs.sockets, '/ws': legacyWs.sockets, ...backendRoute }, services.faults);
  // Clients get a close frame only after every event this replica accepted has been sent.
  lifecycle.onShutdown('drain subscriptions', 'subscriptions', async () => {
    upgrades.refuseNew();
    if (!(await hub.drained(5_000))) logger.warn('subscribers still had unsent events at shutdown');
    await Promise.all([graphqlWs.close(), legacyWs.close(), backendSocket?.close()]);
    hub.close();
    registry.close();
  });
  return { usage, backend: backendSocket };
}
