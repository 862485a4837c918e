import { readFileSync } from 'node:fs';
import type { GraphQLSchema } from 'graphql';
import type { LocalSubgraphs } from './local-subgraphs.ts';
import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import type { PlanNode, QueryPlan } from '@apollo/query-planner';
import { levelScheduledPlan } from './level-scheduled-plan.ts';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import type { Dispatcher } from 'undici';
import {
  ApolloServerPluginLandingPageLocalDefault,
  ApolloServerPluginLandingPageProductionDefault,
} from '@apollo/server/plugin/landingPage/default';
import { SUPERGRAPH_PATH } from '../../core/supergraph/supergraph-path.ts';
import { resultStatus } from '../../core/errors/result-status.ts';
import type { SubgraphName } from '../../schema/subgraph-names.ts';
import type { InternalTokens } from '../../core/identity/internal-token.ts';
import { maskError, type MaskOptions } from '../../core/errors/mask-error.ts';
import { EDGE_TOKEN_HEADROOM, operationLimitRules, type OperationLimits } from './operation-limits.ts';
import type { EdgeDocuments } from './edge-documents.ts';
import type { SubgraphLocation } from './subgraph-locations.ts';
import { subscriptionsOverWebSocketRule } from './subscriptions-over-websocket.ts';
import type { Logger } from '../../core/logger.ts';
import { finiteNumberLiteralsRule, safeStringLiteralsRule } from './literal-rules.ts';
import { jsonVariablesPlugin } from './json-variables-plugin.ts';
import { asksForLegacyJsonOnly } from '../../core/http/graphql-media-type.ts';
import type { EdgeContext } from './edge-context.ts';
import { InProcessDataSource } from './in-process-data-source.ts';
import { perRequestVerifier } from './per-request-verifier.ts';
import { PooledRemoteDataSource } from './pooled-remote-data-source.ts';
import { failedFetchAsFieldErrors } from './failed-fetch-errors.ts';
import { observedDataSource, type FetchObserver } from './observed-data-source.ts';
import { provenCallerFetches } from './proven-caller-fetches.ts';
import { apolloRequestError } from './apollo-request-errors.ts';
import { landingPagePlugin, type LandingPage } from '../http/explorer/landing-page.ts';
import { credentialLimitPlugin } from './credential-limit-plugin.ts';
import { trustedDocumentsPlugin, type TrustedDocumentsOptions } from './trusted-documents.ts';
import { MODULE_SLUGS } from '../../schema/modules.ts';
import { V1_SERVICE_NAMES } from '../../schema/v1-services.ts';

const UPSTREAM_SUBGRAPHS: ReadonlySet<string> = new Set([...MODULE_SLUGS, ...V1_SERVICE_NAMES]);

export interface SupergraphServerOptions {
  readonly subgraphs: Readonly<Record<SubgraphName, SubgraphLocation>>;
  /** Executable schemas of the subgraphs that run in this process. */
  readonly localSchemas: LocalSubgraphs;
  readonly tokens: InternalTokens;
  /** Keep-alive pool for the remote subgraphs' fetches. */
  readonly dispatcher: Dispatcher;
  /** Remote subgraphs whose identical in-flight fetches are not shared. */
  readonly deduplicationExcluded: ReadonlySet<SubgraphName>;
  /** Query plans run by levels, and a level's fetches to one remote subgraph sent as one query. @default false */
  readonly fetchBatching?: boolean;
  readonly logger: Logger;
  readonly production: boolean;
  /** What GET /graphql shows a browser. @default 'static' in production, else 'sandbox' */
  readonly landingPage?: LandingPage;
  /** Registered operations served by hash (TRUSTED_DOCUMENTS). @default none */
  readonly trustedDocuments?: TrustedDocumentsOptions | null;
  /** EXPOSE_STACK_TRACES: never in production. */
  readonly exposeStackTraces: boolean;
  /** @apollo/gateway's own data collection (APOLLO_DATA_COLLECTION). @default false */
  readonly apolloDataCollection?: boolean;
  readonly operationLimits: OperationLimits;
  /** Told of each subgraph fetch (metrics). @default no-op */
  readonly onFetch?: FetchObserver;
  /** @default the committed schema/supergraph.graphql */
  readonly supergraphSdl?: string;
  /** Documents the edge composed itself, exempt from the alias and field limits. @default none */
  readonly edgeDocuments?: EdgeDocuments;
  /** Told the API schema once the gateway has loaded it (the subscription server validates against it). */
  readonly onApiSchema?: (schema: GraphQLSchema) => void;
}

/** The status core/errors/result-status.ts decides, over what Apollo Server took from errors' `extensions.http`. */
const statusFromResult: ApolloServerPlugin<EdgeContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, request }) {
        if (response.body.kind !== 'single') return;
        const decided = resultStatus(response.body.singleResult, { legacyJsonOnly: asksForLegacyJsonOnly(request.http?.headers.get('accept')) });
        if (decided.status !== undefined) response.http.status = decided.status;
        if (decided.retryAfterSeconds !== undefined) response.http.headers.set('retry-after', String(decided.retryAfterSeconds));
      },
    };
  },
};

/** Notes the operation's name on the request, for the usage record, the metrics and the log line. */
const noteOperationName: ApolloServerPlugin<EdgeContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operationName, contextValue }) {
        if (contextValue.notes) contextValue.notes.operationName ??= operationName ?? null;
      },
    };
  },
};

export function createSupergraphServer(options: SupergraphServerOptions): ApolloServer<EdgeContext> {
  const mask: MaskOptions = {
    exposeStack: options.exposeStackTraces,
    onMasked: (original) => options.logger.error({ err: original }, 'masked an internal error'),
  };

  const verify = perRequestVerifier(options.tokens);
  const proven = provenCallerFetches({ proofs: options.tokens.proofs, sign: options.tokens.sign });
  const remote = (name: string) => options.subgraphs[name as SubgraphName]?.kind === 'remote';
  const batchedRequests = new WeakSet<object>();
  const rescheduled = new WeakMap<QueryPlan, boolean>();
  // @apollo/gateway 2.14 starts "data collection" in its constructor unless
  // APOLLO_TELEMETRY_DISABLED is set: it probes the Alibaba, AWS, Azure and GCP
  // metadata addresses and reports to usage-reporting.api.apollographql.com every
  // hour. A gateway must not call anywhere it was not told to (and in a locked-down
  // network the probes are noise in the egress logs), so it is off unless asked for;
  // the environment variable is Apollo's only switch.
  if (!options.apolloDataCollection) process.env['APOLLO_TELEMETRY_DISABLED'] = 'true';
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl ?? readFileSync(SUPERGRAPH_PATH, 'utf8'),
    buildService: ({ name }): GraphQLDataSource<EdgeContext> => {
      const location = options.subgraphs[name as SubgraphName];
      if (!location) throw new Error(`The supergraph names a subgraph '${name}' this gateway does not know`);
      const observe = (source: GraphQLDataSource<EdgeContext>) =>
        observedDataSource(name, proven.wrap(source), UPSTREAM_SUBGRAPHS.has(name), options.onFetch ?? (() => {}));
      if (location.kind === 'remote') {
        return observe(
          failedFetchAsFieldErrors(
            new PooledRemoteDataSource({ name, url: location.url, dispatcher: options.dispatcher, deduplicate: !options.deduplicationExcluded.has(name), batchedRequests }),
          ),
        );
      }
      if (!options.localSchemas.names.has(name as SubgraphName)) throw new Error(`Subgraph '${name}' should run in process but has no schema`);
      const schema = () => options.localSchemas.schema(name as SubgraphName);
      return observe(new InProcessDataSource({ schema, verify, mask, proofs: options.tokens.proofs }));
    },
    logger: options.logger,
    // The hook sees the plan the executor is about to run (and the store keeps): it is rescheduled once, in place.
    ...(options.fetchBatching
      ? {
          experimental_didResolveQueryPlan: ({ queryPlan, requestContext }: { queryPlan: QueryPlan; requestContext: { context: object } }) => {
            let batched = rescheduled.get(queryPlan);
            if (batched === undefined) {
              const node = levelScheduledPlan(queryPlan, remote);
              if (node) (queryPlan as { node?: PlanNode }).node = node;
              batched = node !== null;
              rescheduled.set(queryPlan, batched);
            }
            if (batched) batchedRequests.add(requestContext.context);
          },
        }
      : {}),
  });
  if (options.onApiSchema) {
    const onApiSchema = options.onApiSchema;
    gateway.onSchemaLoadOrUpdate(({ apiSchema }) => onApiSchema(apiSchema));
  }

  return new ApolloServer<EdgeContext>({
    gateway,
    introspection: options.operationLimits.introspection,
    hideSchemaDetailsFromClientErrors: !options.operationLimits.suggestions,
    parseOptions: { maxTokens: options.operationLimits.maxTokens * EDGE_TOKEN_HEADROOM },
    validationRules: [...operationLimitRules(options.operationLimits, (source) => options.edgeDocuments?.isEdgeComposed(source) ?? false), subscriptionsOverWebSocketRule, safeStringLiteralsRule, finiteNumberLiteralsRule],
    includeStacktraceInErrorResponses: options.exposeStackTraces,
    // The process owns its signals: main.ts closes every client in order.
    stopOnTerminationSignals: false,
    formatError: (formatted, error) => apolloRequestError(formatted, error) ?? maskError(formatted, error, mask),
    plugins: [
      statusFromResult,
      noteOperationName,
      credentialLimitPlugin,
      jsonVariablesPlugin(options.operationLimits.maxJsonDepth),
      ...(options.trustedDocuments ? [trustedDocumentsPlugin(options.trustedDocuments)] : []),
      landingPagePlugin(options.landingPage ?? (options.production ? 'static' : 'sandbox')),
    ],
  });
}
