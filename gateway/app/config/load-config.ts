import { MODULE_SLUGS } from '../../../schema/modules.ts';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import type { JwtKeyConfig } from '../../../core/identity/access-tokens.ts';
import { supergraphSubgraphs } from '../../../core/supergraph/supergraph-subgraphs.ts';
import { SUBGRAPH_NAMES, type SubgraphName } from '../../../schema/subgraph-names.ts';
import { V1_SERVICES } from '../../../schema/v1-services.ts';
import type { SubgraphLocation, SupergraphSource } from '../../executor/subgraph-locations.ts';
import type { TracingConfig } from '../../observability/tracing.ts';
import type { AppConfig, ProcessRole } from './app-config.ts';
import { backendConfig } from './backend-formats.ts';
import { ConfigError } from './config-error.ts';
import { environmentSchema, type Environ } from './env-schema.ts';
import { landingPageFor, trustedDocumentsConfig } from './frontend-formats.ts';

function firstIssue(error: z.ZodError): ConfigError {
  const issue = error.issues[0];
  const variable = String(issue?.path[0] ?? 'environment');
  return new ConfigError(variable, issue?.message ?? 'is invalid');
}

/** PEM values often arrive with literal "\n" from .env files and CI secrets. */
const pem = (value: string): string => value.replace(/\\n/g, '\n');

/**
 * ACCESS_TOKEN_TTL (default 15 min) is the access token's lifetime. JWT_TTL_SECONDS is its older
 * name: set alone it still decides (JWT_TTL_SECONDS=86400 keeps 24 h tokens for clients that never
 * refresh); set together with a different ACCESS_TOKEN_TTL the two contradict each other.
 */
function accessTokenTtlSeconds(env: Environ): number {
  const fromAccessTtl = env.ACCESS_TOKEN_TTL === undefined ? undefined : Math.max(1, Math.floor(env.ACCESS_TOKEN_TTL / 1000));
  if (fromAccessTtl !== undefined && env.JWT_TTL_SECONDS !== undefined && fromAccessTtl !== env.JWT_TTL_SECONDS) {
    throw new ConfigError('JWT_TTL_SECONDS', `(${env.JWT_TTL_SECONDS}) contradicts ACCESS_TOKEN_TTL (${fromAccessTtl} s); set one of them`);
  }
  return fromAccessTtl ?? env.JWT_TTL_SECONDS ?? 900;
}

function jwtKeys(env: Environ, sharedSecretsRequired: boolean): JwtKeyConfig {
  if (env.JWT_ALGORITHM === 'HS256') {
    if (env.JWT_SECRET) return { algorithm: 'HS256', secret: new TextEncoder().encode(env.JWT_SECRET), generated: false };
    if (sharedSecretsRequired) throw new ConfigError('JWT_SECRET', 'is required in production and when subgraphs run as separate processes');
    return { algorithm: 'HS256', secret: randomBytes(32), generated: true };
  }
  if (!env.JWT_PRIVATE_KEY) throw new ConfigError('JWT_PRIVATE_KEY', `is required for JWT_ALGORITHM=${env.JWT_ALGORITHM}`);
  if (!env.JWT_PUBLIC_KEY) throw new ConfigError('JWT_PUBLIC_KEY', `is required for JWT_ALGORITHM=${env.JWT_ALGORITHM}`);
  return { algorithm: env.JWT_ALGORITHM, privateKeyPem: pem(env.JWT_PRIVATE_KEY), publicKeyPem: pem(env.JWT_PUBLIC_KEY) };
}

export function loadConfig(source: NodeJS.ProcessEnv, role: ProcessRole = 'gateway'): AppConfig {
  const parsed = environmentSchema.safeParse(source);
  if (!parsed.success) throw firstIssue(parsed.error);
  const env = parsed.data;
  if (env.TRUSTED_DOCUMENTS_REQUIRED.kind !== 'none' && !env.TRUSTED_DOCUMENTS) throw new ConfigError('TRUSTED_DOCUMENTS_REQUIRED', 'needs TRUSTED_DOCUMENTS, the manifest of registered operations');

  const remote = env.SUBGRAPH_URLS;
  const external = env.SUPERGRAPH_PATH === undefined ? null : externalSupergraph(env.SUPERGRAPH_PATH);
  if (external && Object.keys(remote).length > 0) {
    throw new ConfigError('SUBGRAPH_URLS', 'cannot be combined with SUPERGRAPH_PATH (an external supergraph records its own subgraph URLs)');
  }
  const distributed = role === 'subgraph' || Object.keys(remote).length > 0;
  const sharedSecretsRequired = distributed || env.NODE_ENV === 'production';
  if ((env.ADMIN_EMAIL === undefined) !== (env.ADMIN_PASSWORD === undefined)) {
    throw new ConfigError(env.ADMIN_EMAIL === undefined ? 'ADMIN_EMAIL' : 'ADMIN_PASSWORD', 'must be set together with its pair');
  }
  // A module subgraph keeps nothing in the database, so it may run elsewhere beside an embedded one.
  const sharesDatabase = role === 'subgraph' || Object.keys(remote).some((name) => !MODULE_SLUGS.includes(name));
  if (sharesDatabase && env.DATABASE_URL === undefined) {
    // One PGlite folder cannot be shared by several processes (see prisma/pglite-lock.ts).
    throw new ConfigError('DATABASE_URL', 'is required when subgraphs run as separate processes');
  }
  const keys = jwtKeys(env, sharedSecretsRequired);
  if (env.INTERNAL_TOKEN_SECRET === undefined && sharedSecretsRequired) {
    throw new ConfigError('INTERNAL_TOKEN_SECRET', 'is required in production and when subgraphs run as separate processes');
  }
  // The edge and the agent-forge/knowledge subgraphs sign and check each other's callbacks, tickets and links.
  const v1SubgraphRemote = V1_SERVICES.some((service) => service.callsBack && remote[service.name] !== undefined);
  if (env.TRAINING_CALLBACK_SECRET === undefined && (env.NODE_ENV === 'production' || v1SubgraphRemote)) {
    throw new ConfigError('TRAINING_CALLBACK_SECRET', 'is required in production and when the agent-forge or knowledge subgraph runs as a separate process');
  }
  if (env.UPSTREAM_SIGNING_SECRET === undefined && env.NODE_ENV === 'production') {
    throw new ConfigError('UPSTREAM_SIGNING_SECRET', 'is required in production (upstreams verify the principal header with it)');
  }

  const supergraph: SupergraphSource = external ? external.source : { kind: 'own' };
  const subgraphs: Record<SubgraphName, SubgraphLocation> = external
    ? Object.fromEntries(Object.entries(external.urls).map(([name, url]) => [name, { kind: 'remote', url }]))
    : Object.fromEntries(
        SUBGRAPH_NAMES.map((name): [SubgraphName, SubgraphLocation] => {
          const url = remote[name];
          return [name, url === undefined ? { kind: 'in-process' } : { kind: 'remote', url }];
        }),
      );
  const unknownSubgraph = env.SUBGRAPH_DEDUP_EXCLUDE.find((name) => !(name in subgraphs));
  if (unknownSubgraph !== undefined) {
    throw new ConfigError('SUBGRAPH_DEDUP_EXCLUDE', `names '${unknownSubgraph}', which is not a subgraph of this gateway (${Object.keys(subgraphs).join(', ')})`);
  }

  const config: AppConfig = {
    env: env.NODE_ENV,
    http: { host: env.HOST, port: env.PORT, bodyLimitBytes: env.BODY_LIMIT_BYTES },
    database: env.DATABASE_URL
      ? { kind: 'postgres', url: env.DATABASE_URL, timeouts: { statementMs: env.DATABASE_STATEMENT_TIMEOUT_MS, acquireMs: env.DATABASE_ACQUIRE_TIMEOUT_MS } }
      : { kind: 'pglite', dataDir: env.PGLITE_DATA_DIR },
    redis: env.REDIS_URL ? { kind: 'redis', url: env.REDIS_URL } : { kind: 'memory' },
    jwt: { keys, issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE, ttlSeconds: accessTokenTtlSeconds(env) },
    sessions: {
      refreshTtlSeconds: Math.max(1, Math.floor(env.REFRESH_TOKEN_TTL / 1000)),
      requireMfaFor: env.REQUIRE_MFA,
      mfaIssuer: env.MFA_ISSUER,
    },
    internalToken: {
      secret: env.INTERNAL_TOKEN_SECRET ? new TextEncoder().encode(env.INTERNAL_TOKEN_SECRET) : randomBytes(32),
      ttlSeconds: env.INTERNAL_TOKEN_TTL_SECONDS,
      generated: env.INTERNAL_TOKEN_SECRET === undefined,
    },
    supergraph,
    subgraphs,
    subgraphFetch: { connectionsPerSubgraph: env.SUBGRAPH_CONNECTIONS, deduplicationExcluded: env.SUBGRAPH_DEDUP_EXCLUDE, batching: env.SUBGRAPH_FETCH_BATCHING },
    apolloDataCollection: env.APOLLO_DATA_COLLECTION,
    admin: env.ADMIN_EMAIL && env.ADMIN_PASSWORD ? { email: env.ADMIN_EMAIL.toLowerCase(), password: env.ADMIN_PASSWORD } : null,
    registrationEnabled: env.REGISTRATION_ENABLED,
    apiKeyCacheTtlMs: env.API_KEY_CACHE_TTL_MS,
    subscriptions: {
      maxConnectionsPerPrincipal: env.SUBSCRIPTION_MAX_CONNECTIONS_PER_PRINCIPAL,
      maxQueuedEvents: env.SUBSCRIPTION_MAX_QUEUED_EVENTS,
    },
    rateLimits: { tiers: env.RATE_LIMITS, outagePolicy: env.RATE_LIMIT_OUTAGE_POLICY },
    modules: {
      upstreams: Object.fromEntries(
        Object.entries({ ...env.MODULE_UPSTREAMS, ...env.V1_UPSTREAMS }).map(([slug, settings]) => [
          slug,
          { url: settings.url, timeoutMs: settings.timeoutMs ?? env.MODULE_TIMEOUT_MS, retries: settings.retries ?? env.MODULE_RETRIES },
        ]),
      ),
      signingSecret: env.UPSTREAM_SIGNING_SECRET ? new TextEncoder().encode(env.UPSTREAM_SIGNING_SECRET) : randomBytes(32),
      probeIntervalMs: env.MODULE_PROBE_INTERVAL_MS,
    },
    v1: {
      publicUrl: env.PUBLIC_URL?.replace(/\/+$/, '') ?? null,
      callbackSecret: env.TRAINING_CALLBACK_SECRET ? new TextEncoder().encode(env.TRAINING_CALLBACK_SECRET) : randomBytes(32),
      callbackSecretGenerated: env.TRAINING_CALLBACK_SECRET === undefined,
      uploads: { dir: env.UPLOAD_DIR, maxBytes: env.UPLOAD_MAX_BYTES, linkTtlSeconds: env.UPLOAD_LINK_TTL_SECONDS },
    },
    backend: backendConfig(env, { retries: env.BACKEND_RETRIES, maxPayloadBytes: env.BODY_LIMIT_BYTES }),
    operationLimits: {
      maxDepth: env.GRAPHQL_MAX_DEPTH,
      maxAliases: env.GRAPHQL_MAX_ALIASES,
      maxTokens: env.GRAPHQL_MAX_TOKENS,
      maxFields: env.GRAPHQL_MAX_FIELDS,
      maxJsonDepth: env.JSON_MAX_DEPTH,
      introspection: env.GRAPHQL_INTROSPECTION ?? env.NODE_ENV !== 'production',
      suggestions: env.GRAPHQL_SUGGESTIONS ?? env.NODE_ENV !== 'production',
    },
    bulk: {
      workerEnabled: env.BULK_WORKER_ENABLED,
      maxBytes: env.BULK_MAX_BYTES,
      maxRows: env.BULK_MAX_ROWS,
      batchSize: env.BULK_BATCH_SIZE,
      leaseMs: env.BULK_LEASE_MS,
      pollMs: env.BULK_POLL_MS,
    },
    webhooks: {
      workerEnabled: env.WEBHOOK_WORKER_ENABLED,
      pollIntervalMs: env.WEBHOOK_POLL_INTERVAL_MS,
      concurrency: env.WEBHOOK_CONCURRENCY,
      retrySchedule: env.WEBHOOK_RETRY_SCHEDULE,
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
      disableAfterMs: env.WEBHOOK_DISABLE_AFTER,
      allowPrivateTargets: env.WEBHOOK_ALLOW_PRIVATE_TARGETS,
    },
    automations: {
      workerEnabled: env.AUTOMATION_WORKER_ENABLED,
      pollIntervalMs: env.AUTOMATION_POLL_INTERVAL_MS,
      concurrency: env.AUTOMATION_CONCURRENCY,
      retrySchedule: env.AUTOMATION_RETRY_SCHEDULE,
      timeoutMs: env.AUTOMATION_TIMEOUT_MS,
      disableAfter: env.AUTOMATION_DISABLE_AFTER,
    },
    usage:
      env.USAGE_RECORDING === 'off'
        ? { recording: 'off' }
        : {
            recording: 'on',
            batchSize: env.USAGE_BATCH_SIZE,
            flushIntervalMs: env.USAGE_FLUSH_INTERVAL_MS,
            maxBuffered: env.USAGE_MAX_BUFFERED,
            shutdownTimeoutMs: env.USAGE_SHUTDOWN_TIMEOUT_MS,
          },
    metrics: env.METRICS_TOKEN ? { kind: 'token', token: env.METRICS_TOKEN } : { kind: env.METRICS_ACCESS },
    tracing: tracingConfig(env),
    trustProxy: env.TRUST_PROXY,
    cors: { origins: env.CORS_ORIGINS, allowLocalhost: env.NODE_ENV === 'development', extraAllowedHeaders: env.CORS_ALLOWED_HEADERS },
    landingPage: landingPageFor(env.LANDING_PAGE, env.NODE_ENV),
    docs: {
      contact: { name: env.DOCS_CONTACT_NAME, ...(env.DOCS_CONTACT_EMAIL ? { email: env.DOCS_CONTACT_EMAIL } : {}), ...(env.DOCS_CONTACT_URL ? { url: env.DOCS_CONTACT_URL } : {}) },
    },
    trustedDocuments: trustedDocumentsConfig(env.TRUSTED_DOCUMENTS, env.TRUSTED_DOCUMENTS_REQUIRED),
    logLevel: env.LOG_LEVEL,
    exposeStackTraces: env.EXPOSE_STACK_TRACES && env.NODE_ENV !== 'production',
  };
  return deepFreeze(config);
}

/** Read and checked here so a bad file stops the start with one line, like any other variable. */
function externalSupergraph(path: string): { source: SupergraphSource; urls: Record<string, string> } {
  let sdl: string;
  try {
    sdl = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError('SUPERGRAPH_PATH', `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}: ${path})`);
  }
  let subgraphs: Record<string, string>;
  try {
    subgraphs = supergraphSubgraphs(sdl);
  } catch (error) {
    throw new ConfigError('SUPERGRAPH_PATH', `is not a composed supergraph: ${(error as Error).message.split('\n')[0]}`);
  }
  const badUrl = Object.entries(subgraphs).find(([, url]) => !/^https?:\/\//.test(url) || !URL.canParse(url));
  if (badUrl) throw new ConfigError('SUPERGRAPH_PATH', `records subgraph '${badUrl[0]}' at '${badUrl[1]}', which is not an http(s) URL`);
  return { source: { kind: 'external', path, sdl }, urls: subgraphs };
}

/** As the OpenTelemetry spec reads them: the traces endpoint as given, or `/v1/traces` under the general one. */
function tracingConfig(env: Environ): TracingConfig {
  const tracesUrl = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (env.OTEL_EXPORTER_OTLP_ENDPOINT ? `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces` : undefined);
  if (tracesUrl === undefined) return { kind: 'off' };
  return { kind: 'otlp', tracesUrl, serviceName: env.OTEL_SERVICE_NAME, exportDelayMs: env.OTEL_BSP_SCHEDULE_DELAY };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
