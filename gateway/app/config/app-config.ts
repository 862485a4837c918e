import type { BackendConfig } from '../../backend/backend-routes.ts';
import type { CorsOptions } from '../../../core/http/cors.ts';
import type { TrustProxy } from '../../../core/http/trusted-proxies.ts';
import type { LandingPage } from '../../http/explorer/landing-page.ts';
import type { TrustedDocumentsConfig } from './frontend-formats.ts';
import type { JwtConfig } from '../../../core/identity/access-tokens.ts';
import type { RateLimitConfig } from '../../../core/rate-limit/limits.ts';
import type { DatabaseConfig } from '../../../prisma/database.ts';
import type { SubgraphName } from '../../../schema/subgraph-names.ts';
import type { SessionSettings } from '../../../subgraphs/auth/session-settings.ts';
import type { ModulesConfig } from '../../../subgraphs/module/module-upstreams.ts';
import type { WebhooksConfig } from '../../../subgraphs/webhooks/delivery/start-delivery.ts';
import type { AutomationsConfig } from '../../../subgraphs/webhooks/automations/automations-config.ts';
import type { OperationLimits } from '../../executor/operation-limits.ts';
import type { BulkConfig } from '../../bulk/bulk-config.ts';
import type { SubgraphFetchConfig, SubgraphLocation, SupergraphSource } from '../../executor/subgraph-locations.ts';
import type { MetricsAccess } from '../../http/metrics-route.ts';
import type { TracingConfig } from '../../observability/tracing.ts';
import type { UsageConfig } from '../../usage/usage-recorder.ts';
import type { ApiContact } from '../../../rest-bridge/docs/openapi-document.ts';

/**
 * The one configuration root. Read from the environment once, validated, frozen;
 * every other module receives the part it needs. Each part's type lives beside the
 * factory that takes it.
 */
/**
 * The one configuration root. Read from the environment once, validated, frozen;
 * every other module receives the part it needs.
 */
export type Environment = 'development' | 'production' | 'test';

export type RedisConfig = { kind: 'memory' } | { kind: 'redis'; url: string };

export interface SubscriptionConfig {
  /** Open graphql-ws and /ws connections one principal may hold on this replica. */
  readonly maxConnectionsPerPrincipal: number;
  /** Events queued for one subscription before it is ended as too slow. */
  readonly maxQueuedEvents: number;
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


export interface AppConfig {
  readonly env: Environment;
  readonly http: { readonly host: string; readonly port: number; readonly bodyLimitBytes: number };
  readonly database: DatabaseConfig;
  readonly redis: RedisConfig;
  readonly jwt: JwtConfig;
  readonly sessions: SessionSettings;
  readonly internalToken: { readonly secret: Uint8Array; readonly ttlSeconds: number; readonly generated: boolean };
  readonly supergraph: SupergraphSource;
  /** Our own subgraphs, or with an external supergraph the ones it names (all remote). */
  readonly subgraphs: Readonly<Record<SubgraphName, SubgraphLocation>>;
  readonly subgraphFetch: SubgraphFetchConfig;
  /** APOLLO_DATA_COLLECTION: let @apollo/gateway probe cloud metadata and report to Apollo hourly (off unless set). */
  readonly apolloDataCollection: boolean;
  readonly admin: { readonly email: string; readonly password: string } | null;
  readonly registrationEnabled: boolean;
  readonly apiKeyCacheTtlMs: number;
  readonly subscriptions: SubscriptionConfig;
  readonly rateLimits: RateLimitConfig;
  readonly modules: ModulesConfig;
  readonly v1: V1Config;
  /** Seed 004's pass-through routes and WebSocket to a backend (BACKEND_*). */
  readonly backend: BackendConfig;
  readonly operationLimits: OperationLimits;
  readonly bulk: BulkConfig;
  readonly webhooks: WebhooksConfig;
  readonly automations: AutomationsConfig;
  readonly usage: UsageConfig;
  readonly metrics: MetricsAccess;
  readonly tracing: TracingConfig;
  readonly cors: CorsOptions;
  readonly landingPage: LandingPage;
  /** What /api/openapi.json says of whoever runs this gateway (DOCS_CONTACT_*). */
  readonly docs: { readonly contact: ApiContact };
  /** Registered operations served by hash, and who may send nothing else; null without a manifest. */
  readonly trustedDocuments: TrustedDocumentsConfig | null;
  /** Which X-Forwarded-For hops are our proxies; the client is the first other one from the right. */
  readonly trustProxy: TrustProxy;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Stack traces in GraphQL error responses: off unless asked for, in every environment (logs keep them). */
  readonly exposeStackTraces: boolean;
}

export type ProcessRole = 'gateway' | 'subgraph';
