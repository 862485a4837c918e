import type { Server } from 'node:http';
import type { Logger } from '../../core/logger.ts';
import { bridgeRouter } from '../../rest-bridge/bridge-router.ts';
import { docsRoutes } from '../../rest-bridge/docs/docs-routes.ts';
import { EDGE_ROUTE_DOCS } from '../../rest-bridge/docs/edge-route-docs.ts';
import { BRIDGE_ROUTES } from '../../rest-bridge/route-table.ts';
import { edgeHandler } from '../edge/edge-handler.ts';
import { explorerRoutes } from '../http/explorer/explorer-routes.ts';
import { healthChecks } from '../http/health.ts';
import { healthRoutes } from '../http/health-routes.ts';
import { metricsRoute } from '../http/metrics-route.ts';
import { v1Routes } from '../http/v1-routes.ts';
import { uploadStore } from '../uploads/upload-store.ts';
import type { UsageRecorder } from '../usage/usage-recorder.ts';
import type { WebSocketUsage } from '../usage/websocket-usage.ts';
import { GATEWAY_VERSION } from '../version.ts';
import type { AppConfig } from './config/app-config.ts';
import { gatewayEdgePlugins } from './edge-plugins.ts';
import { buildGatewayServices } from './gateway-services.ts';
import { httpServer, listen } from './http-server.ts';
import { lifecycle as newLifecycle } from './lifecycle.ts';
import { platformServices } from './platform-services.ts';
import { attachSockets, subscriptionState } from './sockets.ts';
import { backendProxy } from './backend-proxy.ts';
import { backendHealth } from '../backend/backend-health.ts';
import type { BackendWebSocketProxy } from '../backend/backend-websocket.ts';
import { backendRouteDocs } from '../../rest-bridge/docs/edge-route-docs.ts';
import { openStorage } from './storage.ts';
import { faultLedger, type FaultLedger } from '../../core/faults/fault-ledger.ts';
import { bulkServices } from './bulk-services.ts';

export interface RunningGateway {
  readonly server: Server;
  readonly url: string;
  /** The edge's usage buffer; tests flush it instead of waiting for its timer. */
  readonly usage: UsageRecorder;
  /** For the WebSocket servers: connection counts, and a usage record per message. */
  readonly webSocketUsage: WebSocketUsage;
  /** Throws that input provoked, contained or not; the entry point's process handlers report to it. */
  readonly faults: FaultLedger;
  /** Runs the shutdown phases of lifecycle.ts. */
  close(): Promise<void>;
}

/**
 * The composition root, in start-up phases: open stores → build services →
 * listen. Each part registers its shutdown step in a named phase as it is made.
 */
export async function startGateway(config: AppConfig, logger: Logger): Promise<RunningGateway> {
  const startedAt = Date.now();
  // Where a start's time goes, in the ready line: loading the code (process start until
  // here), then each phase (bench/README.md reads them against the budgets).
  const phaseMs: Record<string, number> = { load: Math.round(performance.now()) };
  let phaseStart = performance.now();
  const phaseDone = (name: string) => {
    phaseMs[name] = Math.round(performance.now() - phaseStart);
    phaseStart = performance.now();
  };
  const lifecycle = newLifecycle(logger);
  const faults = faultLedger(logger);
  try {
    // Phase 1: open stores.
    const storage = await openStorage(config, logger);
    phaseDone('storage');
    lifecycle.onShutdown('close stores', 'storage', () => storage.close());
    if (config.jwt.keys.algorithm === 'HS256' && config.jwt.keys.generated) {
      logger.warn('JWT_SECRET is not set: tokens are signed with a random secret and die with this process');
    }

    // Phase 2: build services.
    const platform = await platformServices(config, storage, logger);
    lifecycle.onShutdown('stop workers', 'module upstreams', () => platform.stopUpstreams());
    lifecycle.onShutdown('stop workers', 'event outbox relay', () => platform.stopEventRelay());
    const services = await buildGatewayServices(config, storage, platform, lifecycle, logger);
    phaseDone('services');
    const { execute, metrics } = services;
    metrics.sources.faults = faults.counts;
    const uploads = await uploadStore(config.v1.uploads);
    const bulk = await bulkServices(config, storage, services, lifecycle, logger);
    const subscriptions = subscriptionState(config, storage, logger);
    const backend = backendProxy(config, metrics, lifecycle);
    // Made with the sockets in phase 3; health reads it only when asked.
    let backendSocket: BackendWebSocketProxy | null = null;
    // From process start (performance's time origin) until listening; reported by /health/detailed.
    let startupMs: number | null = null;
    const health = healthChecks({
      database: storage.database,
      redis: storage.shared.redis,
      subgraphs: config.subgraphs,
      localSchemas: services.localSchemas,
      tokens: services.tokens,
      upstreams: {
        report: (slug) => platform.subgraphServices.moduleStatus.report(slug),
        usage: () => platform.subgraphServices.moduleUpstreams.usage(),
      },
      subscriptions: () => ({ connections: subscriptions.registry.size, subscriptions: subscriptions.hub.feedCount }),
      startupMs: () => startupMs,
      ...(config.backend.routes.length > 0 || config.backend.webSocket
        ? {
            backend: () =>
              backendHealth(backend.clients, backendSocket && config.backend.webSocket ? { name: backendSocket.name, url: config.backend.webSocket.url, connections: backendSocket.connections } : null),
          }
        : {}),
    });
    const handler = edgeHandler({
      server: services.apollo,
      plugins: gatewayEdgePlugins(config, services, logger),
      signInternalToken: services.tokens.sign,
      trustProxy: config.trustProxy,
      logger,
      faults,
      routers: [bridgeRouter({ routes: BRIDGE_ROUTES, execute }), bulk.router, backend.router],
      routes: (steps) => ({
        ...v1Routes({ execute, uploads, prisma: storage.database.prisma, secret: config.v1.callbackSecret })(steps),
        ...bulk.routes(steps),
        ...metricsRoute({ metrics, access: config.metrics }),
        ...explorerRoutes(),
        ...docsRoutes({
          routes: BRIDGE_ROUTES,
          edgeRoutes: [...EDGE_ROUTE_DOCS, ...backendRouteDocs(config.backend)],
          version: GATEWAY_VERSION,
          contact: config.docs.contact,
          status: { startedAt, health: () => health.detailed() },
        }),
        ...healthRoutes({ health, accessTokens: platform.accessTokens, startedAt }),
      }),
    });

    // Phase 3: listen.
    const server = httpServer(handler, faults);
    const sockets = attachSockets(server, subscriptions, config, { ...services, backendMeter: backend.meter, faults }, lifecycle, logger);
    const webSocketUsage = sockets.usage;
    backendSocket = sockets.backend;
    const url = await listen(server, config.http, lifecycle);
    platform.announceListeningUrl(url);
    phaseDone('routes and listen');
    startupMs = Math.round(performance.now());
    logger.info({ url, startupMs: Date.now() - startedAt, phaseMs, database: config.database.kind, redis: config.redis.kind }, 'gateway ready');
    void services.localSchemas.warm((subgraph, error) => logger.error({ err: error, subgraph }, 'an in-process subgraph could not be built; its requests fail'));
    return { server, url, usage: services.usage, webSocketUsage, faults, close: () => lifecycle.shutdown() };
  } catch (error) {
    await lifecycle.shutdown();
    throw error;
  }
}
