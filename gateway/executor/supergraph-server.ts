import { readFileSync } from 'node:fs';
import type { GraphQLSchema } from 'graphql';
import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import type { Dispatcher } from 'undici';
import {
  ApolloServerPluginLandingPageLocalDefault,
  ApolloServerPluginLandingPageProductionDefault,
} from '@apollo/server/plugin/landingPage/default';
import { SUPERGRAPH_PATH } from '../../schema/supergraph-path.ts';
import { httpStatusOf } from '../../schema/error-codes.ts';
import { contractCodeOf } from '../../schema/errors.ts';
import type { SubgraphName } from '../../subgraphs/names.ts';
import type { InternalTokens } from '../../subgraphs/shared/internal-token.ts';
import { maskError, type MaskOptions } from '../../subgraphs/shared/mask-error.ts';
import type { OperationLimits, SubgraphLocation } from '../config.ts';
import { aliasLimitRule, depthLimitRule } from './operation-limits.ts';
import { subscriptionsOverWebSocketRule } from './subscriptions-over-websocket.ts';
import type { Logger } from '../logger.ts';
import type { EdgeContext } from './edge-context.ts';
import { InProcessDataSource } from './in-process-data-source.ts';
import { perRequestVerifier } from './per-request-verifier.ts';
import { PooledRemoteDataSource } from './pooled-remote-data-source.ts';
import { observedDataSource, type FetchObserver } from './observed-data-source.ts';
import { MODULE_SLUGS } from '../../schema/modules.ts';
import { V1_SERVICE_NAMES } from '../../schema/v1-services.ts';

const UPSTREAM_SUBGRAPHS: ReadonlySet<string> = new Set([...MODULE_SLUGS, ...V1_SERVICE_NAMES]);

export interface SupergraphServerOptions {
  readonly subgraphs: Readonly<Record<SubgraphName, SubgraphLocation>>;
  /** Executable schemas of the subgraphs that run in this process. */
  readonly localSchemas: ReadonlyMap<SubgraphName, GraphQLSchema>;
  readonly tokens: InternalTokens;
  /** Keep-alive pool for the remote subgraphs' fetches. */
  readonly dispatcher: Dispatcher;
  /** Remote subgraphs whose identical in-flight fetches are not shared. */
  readonly deduplicationExcluded: ReadonlySet<SubgraphName>;
  readonly logger: Logger;
  readonly production: boolean;
  /** EXPOSE_STACK_TRACES: never in production. */
  readonly exposeStackTraces: boolean;
  readonly operationLimits: OperationLimits;
  /** Told of each subgraph fetch (metrics). @default no-op */
  readonly onFetch?: FetchObserver;
  /** @default the committed schema/supergraph.graphql */
  readonly supergraphSdl?: string;
  /** Told the API schema once the gateway has loaded it (the subscription server validates against it). */
  readonly onApiSchema?: (schema: GraphQLSchema) => void;
}

/**
 * A whole operation that failed (no data) answers with the status of its first
 * error's contract code; partial results stay 200, as GraphQL over HTTP expects.
 */
const statusFromErrors: ApolloServerPlugin<EdgeContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single') return;
        const { data, errors } = response.body.singleResult;
        const first = errors?.[0];
        if (!first || (data !== null && data !== undefined)) return;
        const code = contractCodeOf(first);
        if (code) response.http.status = httpStatusOf(code);
        const retryAfter = first.extensions?.['retryAfterSeconds'];
        if (typeof retryAfter === 'number') response.http.headers.set('retry-after', String(retryAfter));
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
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl ?? readFileSync(SUPERGRAPH_PATH, 'utf8'),
    buildService: ({ name }): GraphQLDataSource<EdgeContext> => {
      const location = options.subgraphs[name as SubgraphName];
      if (!location) throw new Error(`The supergraph names a subgraph '${name}' this gateway does not know`);
      const observe = (source: GraphQLDataSource<EdgeContext>) => observedDataSource(name, source, UPSTREAM_SUBGRAPHS.has(name), options.onFetch ?? (() => {}));
      if (location.kind === 'remote') {
        return observe(new PooledRemoteDataSource({ url: location.url, dispatcher: options.dispatcher, deduplicate: !options.deduplicationExcluded.has(name) }));
      }
      const schema = options.localSchemas.get(name as SubgraphName);
      if (!schema) throw new Error(`Subgraph '${name}' should run in process but has no schema`);
      return observe(new InProcessDataSource({ schema, verify, mask }));
    },
    logger: options.logger,
  });
  if (options.onApiSchema) {
    const onApiSchema = options.onApiSchema;
    gateway.onSchemaLoadOrUpdate(({ apiSchema }) => onApiSchema(apiSchema));
  }

  return new ApolloServer<EdgeContext>({
    gateway,
    introspection: true,
    parseOptions: { maxTokens: options.operationLimits.maxTokens },
    validationRules: [depthLimitRule(options.operationLimits.maxDepth), aliasLimitRule(options.operationLimits.maxAliases), subscriptionsOverWebSocketRule],
    includeStacktraceInErrorResponses: options.exposeStackTraces,
    // The process owns its signals: main.ts closes every client in order.
    stopOnTerminationSignals: false,
    formatError: (formatted, error) => maskError(formatted, error, mask),
    plugins: [
      statusFromErrors,
      noteOperationName,
      options.production
        ? ApolloServerPluginLandingPageProductionDefault({ footer: false })
        : ApolloServerPluginLandingPageLocalDefault({ footer: false, embed: true }),
    ],
  });
}
