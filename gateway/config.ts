import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isSubgraphName, SUBGRAPH_NAMES, type SubgraphName } from '../subgraphs/names.ts';
import type { DatabaseConfig } from '../prisma/database.ts';
import { TIER_NAMES, type Tier } from '../schema/tiers.ts';
import { findModule } from '../schema/modules.ts';
import { isV1ServiceName, V1_SERVICE_NAMES, V1_SERVICES } from '../schema/v1-services.ts';
import { supergraphSubgraphs } from '../schema/supergraph-subgraphs.ts';
import type { OutagePolicy } from './rate-limit/outage-policy.ts';
import { parseDuration } from '../subgraphs/webhooks/delivery/durations.ts';
import { DEFAULT_RETRY_SCHEDULE_MS } from '../subgraphs/webhooks/delivery/retry-schedule.ts';
import { TARGET_CATEGORY_NAMES, type TargetCategory } from '../subgraphs/webhooks/delivery/target-guard.ts';
import { headerNames, landingPageFor, landingPageVariable, trustedDocumentsConfig, trustedDocumentsRequiredVariable, trustedDocumentsVariable, type TrustedDocumentsConfig } from './frontend-config.ts';
import type { LandingPage } from './http/explorer/landing-page.ts';

/**
 * The one configuration root. Read from the environment once, validated, frozen;
 * every other module receives the part it needs.
 */
export type Environment = 'development' | 'production' | 'test';

export type RedisConfig = { kind: 'memory' } | { kind: 'redis'; url: string };

export type JwtKeyConfig =
  | { algorithm: 'HS256'; secret: Uint8Array; generated: boolean }
  | { algorithm: 'EdDSA' | 'RS256'; privateKeyPem: string; publicKeyPem: string };

export interface JwtConfig {
  readonly keys: JwtKeyConfig;
  readonly issuer: string;
  readonly audience: string;
  readonly ttlSeconds: number;
}

export interface SubscriptionConfig {
  /** Open graphql-ws and /ws connections one principal may hold on this replica. */
  readonly maxConnectionsPerPrincipal: number;
  /** Events queued for one subscription before it is ended as too slow. */
  readonly maxQueuedEvents: number;
}

export type SubgraphLocation = { kind: 'in-process' } | { kind: 'remote'; url: string };

/**
 * What the gateway serves: the committed supergraph of its own subgraphs, or a
 * foreign one (SUPERGRAPH_PATH) whose subgraphs it reaches at the URLs recorded
 * in it, with the same edge (identity, limits) in front.
 */
export type SupergraphSource = { kind: 'own' } | { kind: 'external'; path: string; sdl: string };

export interface AppConfig {
  readonly env: Environment;
  readonly http: { readonly host: string; readonly port: number; readonly bodyLimitBytes: number };
  readonly database: DatabaseConfig;
  readonly redis: RedisConfig;
  readonly jwt: JwtConfig;
  readonly internalToken: { readonly secret: Uint8Array; readonly ttlSeconds: number; readonly generated: boolean };
  readonly supergraph: SupergraphSource;
  /** Our own subgraphs, or with an external supergraph the ones it names (all remote). */
  readonly subgraphs: Readonly<Record<SubgraphName, SubgraphLocation>>;
  readonly subgraphFetch: SubgraphFetchConfig;
  readonly admin: { readonly email: string; readonly password: string } | null;
  readonly registrationEnabled: boolean;
  readonly apiKeyCacheTtlMs: number;
  readonly subscriptions: SubscriptionConfig;
  readonly rateLimits: RateLimitConfig;
  readonly modules: ModulesConfig;
  readonly v1: V1Config;
  readonly operationLimits: OperationLimits;
  readonly webhooks: WebhooksConfig;
  readonly usage: UsageConfig;
  readonly metrics: MetricsAccess;
  readonly tracing: TracingConfig;
  readonly cors: { readonly origins: readonly string[]; readonly allowLocalhost: boolean; readonly extraAllowedHeaders: readonly string[] };
  readonly landingPage: LandingPage;
  /** Registered operations served by hash, and who may send nothing else; null without a manifest. */
  readonly trustedDocuments: TrustedDocumentsConfig | null;
  /** Take the client address from X-Forwarded-For (only behind a proxy that sets it). */
  readonly trustProxy: boolean;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Stack traces in GraphQL error responses: off unless asked for, in every environment (logs keep them). */
  readonly exposeStackTraces: boolean;
}

/** How remote subgraphs are called. */
export interface SubgraphFetchConfig {
  /** Keep-alive connections per subgraph origin. */
  readonly connectionsPerSubgraph: number;
  /** Subgraphs whose identical in-flight query fetches are each sent (not shared). */
  readonly deduplicationExcluded: readonly SubgraphName[];
}

export interface RateLimitConfig {
  /** Per-tier replacements of the contract's default limits. */
  readonly tiers: Readonly<Partial<Record<Tier, { perMinute?: number; perHour?: number }>>>;
  readonly outagePolicy: OutagePolicy;
}

/** Operations larger than these are refused before planning (abuse guards). */
export interface OperationLimits {
  readonly maxDepth: number;
  readonly maxAliases: number;
  readonly maxTokens: number;
}

/** Where one module's upstream lives and how patiently to call it. */
export interface UpstreamSettings {
  readonly url: string;
  readonly timeoutMs: number;
  readonly retries: number;
}

export interface ModulesConfig {
  /** Keyed by module slug or /v1 service name; only configured ones have an entry, the rest report `unconfigured`. */
  readonly upstreams: Readonly<Record<string, UpstreamSettings>>;
  /** Signs the principal header sent to upstreams (X-Gateway-Principal). */
  readonly signingSecret: Uint8Array;
  readonly probeIntervalMs: number;
}

/** The /v1 (AIVillage) services' own settings; their upstreams live in `modules.upstreams`. */
export interface V1Config {
  /** How upstreams reach this gateway back (training callbacks, upload downloads); null: the address it listens on. */
  readonly publicUrl: string | null;
  /** Derives each training job's callback secret; shared by the gateway and the agent-forge subgraph. */
  readonly callbackSecret: Uint8Array;
  /** True when TRAINING_CALLBACK_SECRET was not set: fine while this one process signs and checks. */
  readonly callbackSecretGenerated: boolean;
  readonly uploads: { readonly dir: string; readonly maxBytes: number; readonly linkTtlSeconds: number };
}

export interface WebhooksConfig {
  /** Whether this gateway process runs a delivery worker (replicas share the queue). */
  readonly workerEnabled: boolean;
  readonly pollIntervalMs: number;
  /** Attempts in flight at once per process. */
  readonly concurrency: number;
  /** Delay before each attempt, the first one included; its length is the number of attempts. */
  readonly retrySchedule: readonly number[];
  /** One attempt, connection to response. */
  readonly timeoutMs: number;
  /** An endpoint whose failures have lasted this long when a delivery runs out of attempts is disabled. */
  readonly disableAfterMs: number;
  /** Address categories a webhook may target; none by default (SSRF guard). */
  readonly allowPrivateTargets: readonly TargetCategory[];
}

/** Usage records of client requests, buffered at the edge and written in batches. */
export type UsageConfig =
  | { readonly recording: 'off' }
  | { readonly recording: 'on'; readonly batchSize: number; readonly flushIntervalMs: number; readonly maxBuffered: number };

/** Who may scrape `/metrics`: a bearer token, clients on loopback only, anyone, or no one. */
export type MetricsAccess =
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'loopback' }
  | { readonly kind: 'open' }
  | { readonly kind: 'off' };

/** OpenTelemetry spans, exported over OTLP/HTTP only when an endpoint is configured. */
export type TracingConfig =
  | { readonly kind: 'off' }
  | { readonly kind: 'otlp'; readonly tracesUrl: string; readonly serviceName: string; readonly exportDelayMs: number };

export type ProcessRole = 'gateway' | 'subgraph';

export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

const boolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const postgresUrl = z
  .string()
  .url()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must start with postgres:// or postgresql://');

const redisUrl = z
  .string()
  .url()
  .refine((v) => /^rediss?:\/\//.test(v), 'must start with redis:// or rediss://');

const secret = z.string().min(32, 'must be at least 32 characters');

const subgraphUrls = z
  .string()
  .transform((value, ctx) => {
    const urls: Partial<Record<SubgraphName, string>> = {};
    for (const entry of value.split(',').map((s) => s.trim()).filter(Boolean)) {
      const [name, url] = entry.split(/=(.*)/s, 2);
      if (!name || !url || !isSubgraphName(name) || !URL.canParse(url)) {
        ctx.addIssue({
          code: 'custom',
          message: `entry '${entry}' must be <name>=<url> with a name among ${SUBGRAPH_NAMES.join(', ')}`,
        });
        return z.NEVER;
      }
      urls[name] = url;
    }
    return urls;
  });

/** Every variable the processes read; names are the env var names. */
/** `free=20/100,pro=200/1000`: per-minute/per-hour limits by tier. */
const tierLimits = z.string().transform((value, ctx) => {
  const tiers: Partial<Record<Tier, { perMinute: number; perHour: number }>> = {};
  for (const entry of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const match = /^([a-z]+)=(\d+)\/(\d+)$/.exec(entry);
    const tier = match?.[1] as Tier | undefined;
    if (!match || !tier || !TIER_NAMES.includes(tier) || Number(match[2]) < 1 || Number(match[3]) < 1) {
      ctx.addIssue({ code: 'custom', message: `entry '${entry}' must be <tier>=<perMinute>/<perHour> with a tier among ${TIER_NAMES.join(', ')}` });
      return z.NEVER;
    }
    tiers[tier] = { perMinute: Number(match[2]), perHour: Number(match[3]) };
  }
  return tiers;
});

type UpstreamEntry = { url: string; timeoutMs?: number; retries?: number };

/** `code-sandbox=http://10.0.0.7:8000;timeout=5000;retries=1,drone-system=http://…` */
const upstreamList = (isKnown: (name: string) => boolean, names: string) =>
  z.string().transform((value, ctx) => {
    const upstreams: Record<string, UpstreamEntry> = {};
    for (const entry of value.split(',').map((s) => s.trim()).filter(Boolean)) {
      const [assignment, ...options] = entry.split(';');
      const [name, url] = (assignment ?? '').split(/=(.*)/s, 2);
      const settings: UpstreamEntry = { url: url ?? '' };
      let valid = Boolean(name && isKnown(name) && url && /^https?:\/\//.test(url) && URL.canParse(url));
      for (const option of options) {
        const [optionName, raw] = option.split('=', 2);
        const number = Number(raw);
        if (optionName === 'timeout' && Number.isInteger(number) && number > 0) settings.timeoutMs = number;
        else if (optionName === 'retries' && Number.isInteger(number) && number >= 0) settings.retries = number;
        else valid = false;
      }
      if (!valid || !name) {
        ctx.addIssue({ code: 'custom', message: `entry '${entry}' must be <${names}>=<http(s) url>[;timeout=<ms>][;retries=<n>]` });
        return z.NEVER;
      }
      upstreams[name] = settings;
    }
    return upstreams;
  });

const moduleUpstreams = upstreamList((slug) => findModule(slug) !== undefined, 'module slug');
const v1Upstreams = upstreamList(isV1ServiceName, `service among ${V1_SERVICE_NAMES.join(', ')}`);

const duration = z.string().transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: `'${value}' must be a duration like 500ms, 5s, 5m, 2h or 1d` });
    return z.NEVER;
  }
  return ms;
});

/** `0,5s,5m,30m,2h`: the delay before each attempt. */
const retrySchedule = z.string().transform((value, ctx) => {
  const delays = value.split(',').map((entry) => parseDuration(entry));
  if (delays.length === 0 || delays.some((delay) => delay === null)) {
    ctx.addIssue({ code: 'custom', message: 'must be a comma-separated list of durations like 0,5s,5m,30m,2h' });
    return z.NEVER;
  }
  return delays as number[];
});

/** `loopback,private,link-local`, `all` or `none`. */
const targetCategories = z.string().transform((value, ctx) => {
  const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean);
  if (entries.length === 1 && entries[0] === 'none') return [];
  if (entries.length === 1 && entries[0] === 'all') return [...TARGET_CATEGORY_NAMES];
  const unknown = entries.find((entry) => !(TARGET_CATEGORY_NAMES as string[]).includes(entry));
  if (unknown !== undefined) {
    ctx.addIssue({ code: 'custom', message: `'${unknown}' is not one of ${TARGET_CATEGORY_NAMES.join(', ')} (or all, none)` });
    return z.NEVER;
  }
  return entries as TargetCategory[];
});

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1_048_576),
  DATABASE_URL: postgresUrl.optional(),
  PGLITE_DATA_DIR: z.string().min(1).default('.data/pglite'),
  REDIS_URL: redisUrl.optional(),
  JWT_ALGORITHM: z.enum(['HS256', 'EdDSA', 'RS256']).default('HS256'),
  JWT_SECRET: secret.optional(),
  JWT_PRIVATE_KEY: z.string().optional(),
  JWT_PUBLIC_KEY: z.string().optional(),
  JWT_ISSUER: z.string().min(1).default('federation-gateway'),
  JWT_AUDIENCE: z.string().min(1).default('federation-gateway-api'),
  JWT_TTL_SECONDS: z.coerce.number().int().positive().default(86_400),
  INTERNAL_TOKEN_SECRET: secret.optional(),
  INTERNAL_TOKEN_TTL_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  SUBGRAPH_URLS: subgraphUrls.default({}),
  SUPERGRAPH_PATH: z.string().min(1).optional(),
  SUBGRAPH_CONNECTIONS: z.coerce.number().int().min(1).max(10_000).default(128),
  SUBGRAPH_DEDUP_EXCLUDE: z
    .string()
    .transform((value) => value.split(',').map((name) => name.trim()).filter(Boolean))
    .default([]),
  ADMIN_EMAIL: z.string().email().optional(),
  ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  REGISTRATION_ENABLED: boolean.default(true),
  API_KEY_CACHE_TTL_MS: z.coerce.number().int().min(0).default(30_000),
  SUBSCRIPTION_MAX_CONNECTIONS_PER_PRINCIPAL: z.coerce.number().int().positive().default(20),
  SUBSCRIPTION_MAX_QUEUED_EVENTS: z.coerce.number().int().positive().default(1000),
  RATE_LIMITS: tierLimits.default({}),
  MODULE_UPSTREAMS: moduleUpstreams.default({}),
  V1_UPSTREAMS: v1Upstreams.default({}),
  PUBLIC_URL: z.string().url().refine((v) => /^https?:\/\//.test(v), 'must be an http(s) URL').optional(),
  TRAINING_CALLBACK_SECRET: secret.optional(),
  UPLOAD_DIR: z.string().min(1).default('.data/uploads'),
  UPLOAD_MAX_BYTES: z.coerce.number().int().positive().default(10 * 1024 * 1024),
  UPLOAD_LINK_TTL_SECONDS: z.coerce.number().int().min(10).default(900),
  MODULE_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  MODULE_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
  MODULE_PROBE_INTERVAL_MS: z.coerce.number().int().min(100).default(15_000),
  UPSTREAM_SIGNING_SECRET: secret.optional(),
  RATE_LIMIT_OUTAGE_POLICY: z.enum(['fail-open', 'fail-closed']).default('fail-open'),
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(2).default(15),
  GRAPHQL_MAX_ALIASES: z.coerce.number().int().min(1).default(30),
  GRAPHQL_MAX_TOKENS: z.coerce.number().int().min(100).default(5000),
  TRUST_PROXY: boolean.default(false),
  WEBHOOK_WORKER_ENABLED: boolean.default(true),
  WEBHOOK_POLL_INTERVAL_MS: z.coerce.number().int().min(10).default(1_000),
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(50),
  WEBHOOK_RETRY_SCHEDULE: retrySchedule.default([...DEFAULT_RETRY_SCHEDULE_MS]),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
  WEBHOOK_DISABLE_AFTER: duration.default(5 * 86_400_000),
  WEBHOOK_ALLOW_PRIVATE_TARGETS: targetCategories.default([]),
  USAGE_RECORDING: z.enum(['on', 'off']).default('on'),
  USAGE_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  USAGE_FLUSH_INTERVAL_MS: z.coerce.number().int().min(10).default(1_000),
  USAGE_MAX_BUFFERED: z.coerce.number().int().min(1).default(50_000),
  METRICS_ACCESS: z.enum(['loopback', 'open', 'off']).default('loopback'),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().refine((v) => /^https?:\/\//.test(v), 'must be an http(s) URL').optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.string().url().refine((v) => /^https?:\/\//.test(v), 'must be an http(s) URL').optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('federation-gateway'),
  OTEL_BSP_SCHEDULE_DELAY: z.coerce.number().int().min(0).default(5_000),
  CORS_ORIGINS: z
    .string()
    .transform((value) => value.split(',').map((origin) => origin.trim()).filter(Boolean))
    .refine((origins) => origins.every((origin) => origin === '*' || /^https?:\/\/[^/]+$/.test(origin)), 'must be a comma-separated list of origins like https://app.example.com, or *')
    .default([]),
  CORS_ALLOWED_HEADERS: headerNames.default([]),
  LANDING_PAGE: landingPageVariable,
  TRUSTED_DOCUMENTS: trustedDocumentsVariable,
  TRUSTED_DOCUMENTS_REQUIRED: trustedDocumentsRequiredVariable,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  EXPOSE_STACK_TRACES: boolean.default(false),
});

type Environ = z.infer<typeof environmentSchema>;

function firstIssue(error: z.ZodError): ConfigError {
  const issue = error.issues[0];
  const variable = String(issue?.path[0] ?? 'environment');
  return new ConfigError(variable, issue?.message ?? 'is invalid');
}

/** PEM values often arrive with literal "\n" from .env files and CI secrets. */
const pem = (value: string): string => value.replace(/\\n/g, '\n');

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
  if (distributed && env.DATABASE_URL === undefined) {
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
    database: env.DATABASE_URL ? { kind: 'postgres', url: env.DATABASE_URL } : { kind: 'pglite', dataDir: env.PGLITE_DATA_DIR },
    redis: env.REDIS_URL ? { kind: 'redis', url: env.REDIS_URL } : { kind: 'memory' },
    jwt: { keys, issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE, ttlSeconds: env.JWT_TTL_SECONDS },
    internalToken: {
      secret: env.INTERNAL_TOKEN_SECRET ? new TextEncoder().encode(env.INTERNAL_TOKEN_SECRET) : randomBytes(32),
      ttlSeconds: env.INTERNAL_TOKEN_TTL_SECONDS,
      generated: env.INTERNAL_TOKEN_SECRET === undefined,
    },
    supergraph,
    subgraphs,
    subgraphFetch: { connectionsPerSubgraph: env.SUBGRAPH_CONNECTIONS, deduplicationExcluded: env.SUBGRAPH_DEDUP_EXCLUDE },
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
    operationLimits: { maxDepth: env.GRAPHQL_MAX_DEPTH, maxAliases: env.GRAPHQL_MAX_ALIASES, maxTokens: env.GRAPHQL_MAX_TOKENS },
    webhooks: {
      workerEnabled: env.WEBHOOK_WORKER_ENABLED,
      pollIntervalMs: env.WEBHOOK_POLL_INTERVAL_MS,
      concurrency: env.WEBHOOK_CONCURRENCY,
      retrySchedule: env.WEBHOOK_RETRY_SCHEDULE,
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
      disableAfterMs: env.WEBHOOK_DISABLE_AFTER,
      allowPrivateTargets: env.WEBHOOK_ALLOW_PRIVATE_TARGETS,
    },
    usage:
      env.USAGE_RECORDING === 'off'
        ? { recording: 'off' }
        : { recording: 'on', batchSize: env.USAGE_BATCH_SIZE, flushIntervalMs: env.USAGE_FLUSH_INTERVAL_MS, maxBuffered: env.USAGE_MAX_BUFFERED },
    metrics: env.METRICS_TOKEN ? { kind: 'token', token: env.METRICS_TOKEN } : { kind: env.METRICS_ACCESS },
    tracing: tracingConfig(env),
    trustProxy: env.TRUST_PROXY,
    cors: { origins: env.CORS_ORIGINS, allowLocalhost: env.NODE_ENV === 'development', extraAllowedHeaders: env.CORS_ALLOWED_HEADERS },
    landingPage: landingPageFor(env.LANDING_PAGE, env.NODE_ENV),
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
