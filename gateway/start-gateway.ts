import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, printSchema, type GraphQLSchema } from 'graphql';
import { Agent } from 'undici';
import { subgraphDefinition } from '../subgraphs/registry.ts';
import type { SubgraphName } from '../subgraphs/names.ts';
import { buildExecutableSubgraph } from '../subgraphs/shared/build-subgraph-schema.ts';
import { internalTokens } from '../subgraphs/shared/internal-token.ts';
import { bootstrapAdmin } from './bootstrap-admin.ts';
import type { AppConfig } from './config.ts';
import { operationExecutor } from './executor/execute-operation.ts';
import { createSupergraphServer } from './executor/supergraph-server.ts';
import { edgeHandler } from './http/edge-handler.ts';
import { healthChecks } from './http/health.ts';
import { rateLimitStep } from './http/rate-limit-step.ts';
import { memoryCrossingLatch, redisCrossingLatch } from './rate-limit/crossing-latch.ts';
import { usageAlerts } from './rate-limit/usage-alerts.ts';
import { v1Routes } from './http/v1-routes.ts';
import { uploadStore } from './uploads/upload-store.ts';
import { bridgeRouter } from '../rest-bridge/bridge-router.ts';
import { BRIDGE_ROUTES } from '../rest-bridge/route-table.ts';
import { docsRoutes } from '../rest-bridge/docs/docs-routes.ts';
import { EDGE_ROUTE_DOCS } from '../rest-bridge/docs/edge-route-docs.ts';
import { GATEWAY_VERSION } from './version.ts';
import { apiKeyVerifier } from './identity/api-key-verifier.ts';
import { authenticator } from './identity/authenticate.ts';
import { tokenRevocations } from './identity/token-revocations.ts';
import type { Logger } from './logger.ts';
import { openPlatformServices } from './platform-services.ts';
import { metricsRoute } from './http/metrics-route.ts';
import { observeEventBus } from './observability/event-bus-metrics.ts';
import { gatewayMetrics } from './observability/gateway-metrics.ts';
import { startTracing } from './observability/tracing.ts';
import { prismaUsageSink } from './usage/prisma-usage-sink.ts';
import { webSocketUsage, type WebSocketUsage } from './usage/websocket-usage.ts';
import { disabledUsageRecorder, usageRecorder, type UsageRecorder } from './usage/usage-recorder.ts';
import { startWebhookDelivery } from '../subgraphs/webhooks/delivery/start-delivery.ts';
import { connectionRegistry } from './subscriptions/connection-registry.ts';
import { eventHub } from './subscriptions/event-hub.ts';
import { graphqlWsServer } from './subscriptions/graphql-ws-server.ts';
import { legacyWsServer } from '../rest-bridge/legacy-ws.ts';
import { routeUpgrades } from './subscriptions/upgrade-router.ts';

export interface RunningGateway {
  readonly server: Server;
  readonly url: string;
  /** The edge's usage buffer; tests flush it instead of waiting for its timer. */
  readonly usage: UsageRecorder;
  /** For the WebSocket servers: connection counts, and a usage record per message. */
  readonly webSocketUsage: WebSocketUsage;
  close(): Promise<void>;
}

/** Opens every client, builds the in-process subgraphs and the edge, and listens. */
export async function startGateway(config: AppConfig, logger: Logger): Promise<RunningGateway> {
  const startedAt = Date.now();
  const platform = await openPlatformServices(config, logger);
  const closers: Array<[string, () => Promise<void> | void]> = [['platform services', () => platform.close()]];
  const closeAll = async (): Promise<void> => {
    for (const [name, close] of closers.reverse()) {
      try {
        logger.debug({ step: name }, 'closing');
        await close();
      } catch (error) {
        logger.warn({ err: error, step: name }, 'error while shutting down');
      }
    }
  };

  try {
    if (config.jwt.keys.algorithm === 'HS256' && config.jwt.keys.generated) {
      logger.warn('JWT_SECRET is not set: tokens are signed with a random secret and die with this process');
    }
    const { prisma, passwords } = platform.subgraphServices;
    await bootstrapAdmin(config.admin, { prisma, passwords, logger });

    const tracing = await startTracing(config.tracing, logger);
    if (tracing) closers.push(['tracing', () => tracing.close()]);
    const metrics = gatewayMetrics();
    const usage =
      config.usage.recording === 'on'
        ? usageRecorder({
            sink: prismaUsageSink(prisma),
            batchSize: config.usage.batchSize,
            flushIntervalMs: config.usage.flushIntervalMs,
            maxBuffered: config.usage.maxBuffered,
            onFlushError: (error, records) => logger.warn({ err: error, records }, 'usage records could not be written and were dropped'),
          })
        : disabledUsageRecorder();
    // Closed after the HTTP server (closers run in reverse), so the last requests' records are written.
    closers.push(['usage recorder', () => usage.close()]);
    metrics.sources.usageBuffered = usage.buffered;
    metrics.sources.usageDropped = usage.dropped;
    metrics.sources.rateLimitStore = () => platform.rateLimitOutages() ?? { failures: 0, degradedAdmissions: 0 };
    closers.push(['event bus metrics', observeEventBus(platform.events, metrics)]);

    const tokens = internalTokens(config.internalToken);
    const localSchemas = new Map<SubgraphName, GraphQLSchema>();
    for (const [name, location] of Object.entries(config.subgraphs)) {
      if (location.kind === 'in-process') {
        localSchemas.set(name, buildExecutableSubgraph(subgraphDefinition(name), platform.subgraphServices));
      }
    }

    const apiKeys = apiKeyVerifier({ prisma, events: platform.events, logger, cacheTtlMs: config.apiKeyCacheTtlMs });
    closers.push(['api key verifier', () => apiKeys.close()]);
    const revocations = await tokenRevocations({ prisma, events: platform.events });
    closers.push(['token revocations', () => revocations.close()]);

    // Remote subgraph fetches reuse connections: one pool per subgraph origin.
    const subgraphPool = new Agent({ keepAliveTimeout: 30_000, connections: config.subgraphFetch.connectionsPerSubgraph });
    closers.push(['subgraph connection pool', () => subgraphPool.close()]);
    let apiSchema: GraphQLSchema | null = null;
    const apollo = createSupergraphServer({
      // A copy without Apollo's field instrumentation, so graphql-js runs the subscription resolvers.
      onApiSchema: (schema) => (apiSchema = buildSchema(printSchema(schema))),
      subgraphs: config.subgraphs,
      localSchemas,
      tokens,
      dispatcher: subgraphPool,
      deduplicationExcluded: new Set(config.subgraphFetch.deduplicationExcluded),
      logger,
      production: config.env === 'production',
      exposeStackTraces: config.exposeStackTraces,
      operationLimits: config.operationLimits,
      ...(config.supergraph.kind === 'external' ? { supergraphSdl: config.supergraph.sdl } : {}),
      onFetch: metrics.subgraphFetch,
    });
    await apollo.start();
    closers.push(['apollo server', () => apollo.stop()]);

    const authenticate = authenticator({ accessTokens: platform.accessTokens, apiKeys, revocations });
    const rateLimit = rateLimitStep({
      store: platform.rateLimitStore,
      resolver: platform.subgraphServices.rateLimits,
      usageAlerts: usageAlerts({
        events: platform.events,
        latch: platform.redis ? redisCrossingLatch(platform.redis) : memoryCrossingLatch(),
        logger,
      }),
    });
    const execute = operationExecutor(apollo);
    // Subscriptions share the port and the edge's identity and limits.
    const hub = eventHub({ events: platform.events, maxQueuedEvents: config.subscriptions.maxQueuedEvents });
    const registry = connectionRegistry({ events: platform.events, maxConnectionsPerPrincipal: config.subscriptions.maxConnectionsPerPrincipal });
    const uploads = await uploadStore(config.v1.uploads);
    let startupMs: number | null = null;
    const handler = edgeHandler({
      server: apollo,
      authenticate,
      rateLimit,
      trustProxy: config.trustProxy,
      cors: config.cors,
      tokens,
      accessTokens: platform.accessTokens,
      health: healthChecks({
        database: platform.database,
        redis: platform.redis,
        subgraphs: config.subgraphs,
        localSchemas,
        tokens,
        moduleStatus: platform.subgraphServices.moduleStatus,
        moduleUpstreams: platform.subgraphServices.moduleUpstreams,
        subscriptions: () => ({ connections: registry.size, subscriptions: hub.feedCount }),
        startupMs: () => startupMs,
      }),
      logger,
      usage,
      metrics,
      tracer: tracing?.tracer ?? null,
      bodyLimitBytes: config.http.bodyLimitBytes,
      startedAt,
      routers: [bridgeRouter({ routes: BRIDGE_ROUTES, execute, bodyLimitBytes: config.http.bodyLimitBytes })],
      routes: (steps) => ({
        ...v1Routes({ execute, uploads, prisma, secret: config.v1.callbackSecret, bodyLimitBytes: config.http.bodyLimitBytes })(steps),
        ...metricsRoute({ metrics, access: config.metrics }),
        ...docsRoutes({ routes: BRIDGE_ROUTES, edgeRoutes: EDGE_ROUTE_DOCS, version: GATEWAY_VERSION }),
      }),
    });

    if (config.webhooks.workerEnabled) {
      const delivery = startWebhookDelivery(config.webhooks, platform.subgraphServices, logger);
      closers.push(['webhook delivery', () => delivery.stop()]);
    }

    const server = createServer({ keepAliveTimeout: 65_000 }, (request, response) => void handler(request, response));
    const admission = { authenticate, rateLimit, registry };
    const wsUsage = webSocketUsage(usage, metrics);
    const graphqlWs = graphqlWsServer({
      ...admission,
      schema: () => {
        if (!apiSchema) throw new Error('The gateway has not loaded its schema');
        return apiSchema;
      },
      hub,
      execute,
      signInternalToken: tokens.sign,
      operationLimits: config.operationLimits,
      trustProxy: config.trustProxy,
      logger,
      production: config.env === 'production',
      exposeStackTraces: config.exposeStackTraces,
      maxPayloadBytes: config.http.bodyLimitBytes,
      usage: wsUsage,
    });
    const legacyWs = legacyWsServer({ ...admission, hub, trustProxy: config.trustProxy, logger, usage: wsUsage });
    const upgrades = routeUpgrades(server, { '/graphql': graphqlWs.sockets, '/ws': legacyWs.sockets });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.http.port, config.http.host, () => resolve());
    });
    closers.push([
      'http server',
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          setTimeout(() => server.closeAllConnections(), 5_000).unref();
        }),
    ]);

    // Runs before the HTTP server's closer: clients get a close frame only after
    // every event this replica accepted has been sent.
    closers.push([
      'subscriptions',
      async () => {
        upgrades.refuseNew();
        if (!(await hub.drained(5_000))) logger.warn('subscribers still had unsent events at shutdown');
        await Promise.all([graphqlWs.close(), legacyWs.close()]);
        hub.close();
        registry.close();
      },
    ]);

    const address = server.address() as AddressInfo;
    const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
    const url = `http://${host}:${address.port}`;
    platform.announceListeningUrl(url);
    startupMs = Math.round(performance.now());
    logger.info({ url, startupMs: Date.now() - startedAt, database: config.database.kind, redis: config.redis.kind }, 'gateway ready');
    return { server, url, usage, webSocketUsage: wsUsage, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
