import { mfaEnrolmentLimit, type CredentialLimitOf } from '../identity/credential-limits.ts';
import { buildSchema, printSchema, type GraphQLSchema } from 'graphql';
import { Agent } from 'undici';
import { internalTokens, type InternalTokens } from '../../core/identity/internal-token.ts';
import type { Logger } from '../../core/logger.ts';
import type { SubgraphName } from '../../schema/subgraph-names.ts';
import { localSubgraphs, type LocalSubgraphs } from '../executor/local-subgraphs.ts';
import type { SubgraphLocation } from '../executor/subgraph-locations.ts';
import { startWebhookDelivery } from '../../subgraphs/webhooks/delivery/start-delivery.ts';
import type { EdgeContext } from '../executor/edge-context.ts';
import { operationExecutor, type ExecuteOperation } from '../executor/execute-operation.ts';
import { createSupergraphServer } from '../executor/supergraph-server.ts';
import { edgeDocuments, type EdgeDocuments } from '../executor/edge-documents.ts';
import { rateLimitStep, type RateLimitStep } from '../http/rate-limit-step.ts';
import { accountStanding } from '../identity/account-standing.ts';
import { apiKeyVerifier } from '../identity/api-key-verifier.ts';
import { authenticator, type Authenticator } from '../identity/authenticate.ts';
import { tokenRevocations } from '../identity/token-revocations.ts';
import { observeEventBus } from '../observability/event-bus-metrics.ts';
import { gatewayMetrics, type GatewayMetrics } from '../observability/gateway-metrics.ts';
import { startTracing, type Tracing } from '../observability/tracing.ts';
import { usageAlerts } from '../rate-limit/usage-alerts.ts';
import { rateLimitedWarning } from '../../core/rate-limited-warning.ts';
import { prismaUsageSink } from '../usage/prisma-usage-sink.ts';
import { disabledUsageRecorder, retryableUsageWrite, usageRecorder, type UsageRecorder } from '../usage/usage-recorder.ts';
import { bootstrapAdmin } from './bootstrap-admin.ts';
import { startAutomations } from './automations.ts';
import type { AppConfig } from './config/app-config.ts';
import type { Lifecycle } from './lifecycle.ts';
import type { PlatformServices } from './platform-services.ts';
import type { Storage } from './storage.ts';
import type { ApolloServer } from '@apollo/server';

/** Everything the edge and the sockets are made of, built in the second phase of start-up. */
export interface GatewayServices {
  readonly tracing: Tracing | null;
  readonly metrics: GatewayMetrics;
  readonly usage: UsageRecorder;
  readonly tokens: InternalTokens;
  readonly localSchemas: LocalSubgraphs;
  readonly apollo: ApolloServer<EdgeContext>;
  /** A copy of the API schema without Apollo's field instrumentation, so graphql-js runs the subscription resolvers. */
  apiSchema(): GraphQLSchema;
  readonly authenticate: Authenticator;
  /** Principals limited to a few operations: REQUIRE_MFA covering them before they enrolled. */
  readonly credentialLimit: CredentialLimitOf;
  readonly rateLimit: RateLimitStep;
  readonly execute: ExecuteOperation;
  /** Marks operations the edge composed itself (bulk batches), exempt from the alias and field limits. */
  readonly edgeDocuments: EdgeDocuments;
}

function recorderFor(config: AppConfig, storage: Storage, logger: Logger): UsageRecorder {
  if (config.usage.recording === 'off') return disabledUsageRecorder();
  // An outage fails a write every flush interval: one line per window, the repeats counted into the next.
  const flushFailed = rateLimitedWarning({ logger, message: 'usage records could not be written; refused ones are dropped, the rest stay buffered and are retried' });
  const bufferFull = rateLimitedWarning({ logger, message: 'usage records dropped: the buffer is at USAGE_MAX_BUFFERED while the database does not take them' });
  const refused = rateLimitedWarning({ logger, message: 'usage record dropped: the database refused its content' });
  return usageRecorder({
    sink: prismaUsageSink(storage.database.prisma),
    batchSize: config.usage.batchSize,
    flushIntervalMs: config.usage.flushIntervalMs,
    maxBuffered: config.usage.maxBuffered,
    closeTimeoutMs: config.usage.shutdownTimeoutMs,
    retryable: retryableUsageWrite,
    onFlushError: (error, records) => flushFailed({ err: error, records }),
    onDropped: (records, reason) => {
      if (reason === 'buffer-full') return bufferFull({ records, reason });
      // After shutdown gateway_usage_dropped_records is no longer there to read: the log is the record of the loss.
      if (reason === 'shutdown') return logger.error({ records, reason }, 'usage records dropped at shutdown: the database did not take them before USAGE_SHUTDOWN_TIMEOUT_MS');
      refused({ records, reason });
    },
  });
}

export async function buildGatewayServices(
  config: AppConfig,
  storage: Storage,
  platform: PlatformServices,
  lifecycle: Lifecycle,
  logger: Logger,
): Promise<GatewayServices> {
  const { prisma } = storage.database;
  const { events } = storage.shared;
  await bootstrapAdmin(config.admin, { prisma, passwords: platform.subgraphServices.passwords, logger });

  const tracing = await startTracing(config.tracing, logger);
  if (tracing) lifecycle.onShutdown('stop services', 'tracing', () => tracing.close());
  const metrics = gatewayMetrics();
  const usage = recorderFor(config, storage, logger);
  lifecycle.onShutdown('flush', 'usage recorder', () => usage.close());
  metrics.sources.usageBuffered = usage.buffered;
  metrics.sources.usageDropped = usage.dropped;
  metrics.sources.rateLimitStore = () => storage.shared.outages() ?? { failures: 0, degradedAdmissions: 0 };
  lifecycle.onShutdown('stop services', 'event bus metrics', observeEventBus(events, metrics));

  const tokens = internalTokens(config.internalToken);
  // Built on first use or by warm() once listening (local-subgraphs.ts); their modules load then too.
  const inProcess = (Object.entries(config.subgraphs) as Array<[SubgraphName, SubgraphLocation]>).filter(([, location]) => location.kind === 'in-process').map(([name]) => name);
  const localSchemas = localSubgraphs(inProcess, async (name) => {
    const [{ subgraphDefinition }, { buildExecutableSubgraph }] = await Promise.all([import('../../subgraphs/registry.ts'), import('../../subgraphs/shared/build-subgraph-schema.ts')]);
    return buildExecutableSubgraph(subgraphDefinition(name), platform.subgraphServices);
  });

  const apiKeys = apiKeyVerifier({ prisma, events, logger, cacheTtlMs: config.apiKeyCacheTtlMs });
  lifecycle.onShutdown('stop services', 'api key verifier', () => apiKeys.close());
  const revocations = await tokenRevocations({ prisma, events, logger });
  lifecycle.onShutdown('stop services', 'token revocations', () => revocations.close());
  // Tokens are held to their account's current tier and scopes, on every replica.
  const standing = accountStanding({ prisma, events, cacheTtlMs: config.apiKeyCacheTtlMs });
  lifecycle.onShutdown('stop services', 'account standing', () => standing.close());

  // Remote subgraph fetches reuse connections: one pool per subgraph origin.
  const subgraphPool = new Agent({ keepAliveTimeout: 30_000, connections: config.subgraphFetch.connectionsPerSubgraph });
  lifecycle.onShutdown('stop services', 'subgraph connection pool', () => subgraphPool.close());
  // The API schema as plain SDL-built types, for bulk rows' coercion; made when first
  // asked for (bulk jobs only), not at every start and schema load (about 50 ms).
  let loadedApiSchema: GraphQLSchema | null = null;
  let apiSchema: GraphQLSchema | null = null;
  const composed = edgeDocuments();
  const apollo = createSupergraphServer({
    edgeDocuments: composed,
    onApiSchema: (schema) => {
      loadedApiSchema = schema;
      apiSchema = null;
    },
    subgraphs: config.subgraphs,
    localSchemas,
    tokens,
    dispatcher: subgraphPool,
    deduplicationExcluded: new Set(config.subgraphFetch.deduplicationExcluded),
    fetchBatching: config.subgraphFetch.batching,
    logger,
    production: config.env === 'production',
    landingPage: config.landingPage,
    apolloDataCollection: config.apolloDataCollection,
    trustedDocuments: config.trustedDocuments,
    exposeStackTraces: config.exposeStackTraces,
    operationLimits: config.operationLimits,
    ...(config.supergraph.kind === 'external' ? { supergraphSdl: config.supergraph.sdl } : {}),
    onFetch: metrics.subgraphFetch,
  });
  await apollo.start();
  lifecycle.onShutdown('stop services', 'apollo server', () => apollo.stop());

  if (config.webhooks.workerEnabled) {
    const delivery = startWebhookDelivery(config.webhooks, platform.subgraphServices, logger);
    lifecycle.onShutdown('stop workers', 'webhook delivery', () => delivery.stop());
  }

  const rateLimit = rateLimitStep({
    store: storage.shared.rateLimitStore,
    resolver: platform.subgraphServices.rateLimits,
    usageAlerts: usageAlerts({ events, latch: storage.shared.latch, logger }),
  });
  const execute = operationExecutor(apollo);
  // Behind an external supergraph our subgraphs, and so automations, are not served.
  if (config.automations.workerEnabled && config.supergraph.kind === 'own') {
    const parts = { prisma, events, webhookTargets: platform.subgraphServices.webhookTargets, execute, tokens, rateLimit };
    const automations = startAutomations(config, parts, logger);
    lifecycle.onShutdown('stop workers', 'automations', () => automations.stop());
  }

  return {
    tracing,
    metrics,
    usage,
    tokens,
    localSchemas,
    apollo,
    apiSchema() {
      if (!loadedApiSchema) throw new Error('The gateway has not loaded its schema');
      apiSchema ??= buildSchema(printSchema(loadedApiSchema));
      return apiSchema;
    },
    authenticate: authenticator({
      accessTokens: platform.accessTokens,
      apiKeys,
      revocations,
      // Behind an external supergraph the accounts are not ours to look up.
      standing: config.supergraph.kind === 'own' ? standing : undefined,
    }),
    credentialLimit: mfaEnrolmentLimit(config.sessions.requireMfaFor),
    rateLimit,
    execute,
    edgeDocuments: composed,
  };
}
