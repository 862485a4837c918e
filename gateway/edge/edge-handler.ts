import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import { clientAddress } from '../../core/http/client-address.ts';
import type { EdgePlugin } from '../../core/http/edge-plugin.ts';
import type { TrustProxy } from '../../core/http/trusted-proxies.ts';
import { admission, edgePipeline } from '../../core/http/edge-pipeline.ts';
import type { Exchange, Route, RouteTable, Router } from '../../core/http/exchange.ts';
import { graphqlRoute } from '../../core/http/graphql-route.ts';
import { sendErrorFromGraphQL, sendGraphQLError } from '../../core/http/respond.ts';
import type { FaultLedger } from '../../core/faults/fault-ledger.ts';
import type { InternalCall } from '../../core/identity/internal-token.ts';
import type { Logger } from '../../core/logger.ts';
import { edgeContext, type EdgeContext } from '../executor/edge-context.ts';
import type { EdgeSteps } from './edge-steps.ts';

export interface EdgeHandlerOptions {
  readonly server: ApolloServer<EdgeContext>;
  /** The edge's concerns in order (see gateway/app/edge-plugins.ts). */
  readonly plugins: readonly EdgePlugin[];
  /** Signs the internal token each subgraph fetch carries. */
  readonly signInternalToken: (call: InternalCall) => Promise<string>;
  /** Which X-Forwarded-For hops are our proxies. */
  readonly trustProxy: TrustProxy;
  readonly logger: Logger;
  readonly faults: FaultLedger;
  /** Exact routes beyond /graphql (health, /v1 hand-offs, metrics, docs), given the edge's steps. */
  readonly routes?: (steps: EdgeSteps) => RouteTable;
  /** Path patterns (the REST bridge), tried in order after the exact routes. */
  readonly routers?: ReadonlyArray<(steps: EdgeSteps) => Router>;
}

/** The gateway's edge: the plugin pipeline in front of `/graphql` and every other route. */
export function edgeHandler(options: EdgeHandlerOptions): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  const graphql = graphqlRoute({ server: options.server });
  const admit = admission(options.plugins);

  const context = (exchange: Exchange): EdgeContext =>
    edgeContext(exchange.principal, exchange.requestId, clientAddress(exchange.request, options.trustProxy), options.signInternalToken, exchange.notes, exchange.limit);

  const steps: EdgeSteps = {
    async admit(exchange, kind = 'pass-through') {
      // A limited credential runs allowed operations only; a route that runs none is not one of them.
      const refusal = (await admit(exchange)) ?? (kind === 'pass-through' ? (exchange.limit?.refusal() ?? null) : null);
      if (!refusal) return true;
      sendErrorFromGraphQL(exchange.response, exchange.requestId, refusal);
      return false;
    },
    context,
  };

  const graphqlEndpoint: Route = async (exchange) => {
    const refusal = await admit(exchange);
    if (refusal) return sendGraphQLError(exchange.response, refusal);
    await graphql(exchange, context(exchange));
  };

  return edgePipeline({
    plugins: options.plugins,
    routes: { ...options.routes?.(steps), '/graphql': { GET: graphqlEndpoint, POST: graphqlEndpoint } },
    routers: (options.routers ?? []).map((router) => router(steps)),
    logger: options.logger,
    faults: options.faults,
  });
}
