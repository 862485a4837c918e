import { z } from 'zod';
import { headerNames, landingPageVariable, trustedDocumentsRequiredVariable, trustedDocumentsVariable } from './frontend-formats.ts';
import { DEFAULT_RETRY_SCHEDULE_MS } from '../../../subgraphs/webhooks/delivery/retry-schedule.ts';
import { backendRoutes, backendTimeout, webSocketUrl } from './backend-formats.ts';
import { boolean, duration, requiredMfaTiers, moduleUpstreams, postgresUrl, redisUrl, retrySchedule, secret, subgraphUrls, targetCategories, tierLimits, trustProxySetting, v1Upstreams } from './formats.ts';

/** Every variable the processes read; names are the env var names. */
export const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1_048_576),
  DATABASE_URL: postgresUrl.optional(),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(5_000),
  DATABASE_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(3_000),
  PGLITE_DATA_DIR: z.string().min(1).default('.data/pglite'),
  REDIS_URL: redisUrl.optional(),
  JWT_ALGORITHM: z.enum(['HS256', 'EdDSA', 'RS256']).default('HS256'),
  JWT_SECRET: secret.optional(),
  JWT_PRIVATE_KEY: z.string().optional(),
  JWT_PUBLIC_KEY: z.string().optional(),
  JWT_ISSUER: z.string().min(1).default('federation-gateway'),
  JWT_AUDIENCE: z.string().min(1).default('federation-gateway-api'),
  // No default: set alone it keeps its old meaning (the access token's lifetime) for clients that expect 24 h.
  JWT_TTL_SECONDS: z.coerce.number().int().positive().optional(),
  ACCESS_TOKEN_TTL: duration.optional(),
  REFRESH_TOKEN_TTL: duration.default(30 * 86_400_000),
  REQUIRE_MFA: requiredMfaTiers.default([]),
  MFA_ISSUER: z.string().min(1).default('Federation Gateway'),
  INTERNAL_TOKEN_SECRET: secret.optional(),
  INTERNAL_TOKEN_TTL_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  SUBGRAPH_URLS: subgraphUrls.default({}),
  SUPERGRAPH_PATH: z.string().min(1).optional(),
  SUBGRAPH_CONNECTIONS: z.coerce.number().int().min(1).max(10_000).default(128),
  SUBGRAPH_DEDUP_EXCLUDE: z
    .string()
    .transform((value) => value.split(',').map((name) => name.trim()).filter(Boolean))
    .default([]),
  SUBGRAPH_FETCH_BATCHING: boolean.default(true),
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
  BACKEND_ROUTES: backendRoutes.default([]),
  BACKEND_TIMEOUT: backendTimeout.default(30_000),
  // 100 MiB: far above an API body, below what a streamed pass-through should carry unbounded.
  BACKEND_MAX_BODY_BYTES: z.coerce.number().int().positive().default(100 * 1024 * 1024),
  BACKEND_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
  BACKEND_WS_PATH: z.string().min(1).default('/ws/backend'),
  BACKEND_WS_URL: webSocketUrl.optional(),
  RATE_LIMIT_OUTAGE_POLICY: z.enum(['fail-open', 'fail-closed']).default('fail-open'),
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(2).default(15),
  GRAPHQL_MAX_ALIASES: z.coerce.number().int().min(1).default(30),
  GRAPHQL_MAX_TOKENS: z.coerce.number().int().min(100).default(5000),
  GRAPHQL_MAX_FIELDS: z.coerce.number().int().min(10).default(2000),
  GRAPHQL_INTROSPECTION: boolean.optional(),
  GRAPHQL_SUGGESTIONS: boolean.optional(),
  TRUST_PROXY: trustProxySetting.default({ kind: 'none' }),
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

export type Environ = z.infer<typeof environmentSchema>;
