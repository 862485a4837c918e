import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import type { Tracer } from '@opentelemetry/api';
import { GraphQLError } from 'graphql';
import { contractCodeOf } from '../../schema/errors.ts';
import { successEnvelope } from '../../rest-bridge/envelope.ts';
import type { InternalTokens } from '../../subgraphs/shared/internal-token.ts';
import type { Principal } from '../../subgraphs/shared/principal.ts';
import { edgeContext, freshNotes, type EdgeContext, type RequestNotes } from '../executor/edge-context.ts';
import type { AccessTokens } from '../identity/access-tokens.ts';
import { credentialsFrom, type Authenticator } from '../identity/authenticate.ts';
import type { Logger } from '../logger.ts';
import type { GatewayMetrics } from '../observability/gateway-metrics.ts';
import type { UsageRecorder } from '../usage/usage-recorder.ts';
import { clientAddress } from './client-address.ts';
import { applyCors, type CorsOptions } from './cors.ts';
import { graphqlRoute } from './graphql-route.ts';
import type { healthChecks } from './health.ts';
import type { RateLimitVerdict } from './rate-limit-step.ts';
import { requestIdFor } from './request-id.ts';
import { requestObserver } from './request-observer.ts';
import { sendErrorEnvelope, sendErrorFromGraphQL, sendGraphQLError, sendJson } from './respond.ts';
import { applySecurityHeaders } from './security-headers.ts';
import type { TrustProxy } from './trusted-proxies.ts';

export interface EdgeHandlerOptions {
  readonly server: ApolloServer<EdgeContext>;
  readonly authenticate: Authenticator;
  /** Counts the request once for its principal; see rate-limit-step.ts. */
  readonly rateLimit: (principal: Principal | null, address: string) => Promise<RateLimitVerdict>;
  readonly trustProxy: TrustProxy;
  readonly cors: CorsOptions;
  readonly tokens: InternalTokens;
  readonly accessTokens: AccessTokens;
  readonly health: ReturnType<typeof healthChecks>;
  readonly logger: Logger;
  /** Where each admitted request's usage record goes (batched; see gateway/usage/). */
  readonly usage: UsageRecorder;
  readonly metrics: GatewayMetrics;
  /** Null when tracing is off. */
  readonly tracer: Tracer | null;
  readonly bodyLimitBytes: number;
  readonly startedAt: number;
  /** Routes beyond /graphql and health (the /v1 hand-offs), given the edge's steps. */
  readonly routes?: (steps: EdgeSteps) => RouteTable;
  /** Path patterns (the REST bridge), tried in order after the exact routes. */
  readonly routers?: ReadonlyArray<(steps: EdgeSteps) => Router>;
}

/** Finds the methods a path answers, or undefined when it is not this router's. */
export interface Router {
  match(pathname: string): Partial<Record<string, Route>> | undefined;
}

export interface Exchange {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly url: URL;
  readonly requestId: string;
  principal: Principal | null;
  /** `METHOD /pattern`: the route that answered, named by its pattern so metrics stay bounded. */
  route: string | null;
  /** True once identity and the rate limit ran: a client API call, so its usage is recorded. */
  counted: boolean;
  readonly notes: RequestNotes;
}

export type Route = (exchange: Exchange) => Promise<void>;
export type RouteTable = Readonly<Record<string, Partial<Record<string, Route>>>>;

/** The pipeline's steps, for routes that execute operations on behalf of a caller. */
export interface EdgeSteps {
  /** Identity then rate limit; on refusal the answer is sent (as an envelope) and false returned. */
  admit(exchange: Exchange): Promise<boolean>;
  context(exchange: Exchange): EdgeContext;
}

/**
 * The edge pipeline: request id → security headers → route; identity is
 * established only for routes that execute operations. Rate limits (issue 3) and
 * the REST bridge plug in here.
 */
export function edgeHandler(options: EdgeHandlerOptions) {
  const graphql = graphqlRoute({ server: options.server, bodyLimitBytes: options.bodyLimitBytes });

  /** Returns the refusal to send, or null when the caller may go on. */
  const identifyAndCount = async (exchange: Exchange): Promise<GraphQLError | null> => {
    try {
      exchange.principal = await options.authenticate(credentialsFrom(exchange.request.headers, exchange.url));
    } catch (error) {
      exchange.counted = true;
      if (error instanceof GraphQLError) return error;
      throw error;
    }
    exchange.counted = true;
    const verdict = await options.rateLimit(exchange.principal, clientAddress(exchange.request, options.trustProxy));
    for (const [name, value] of Object.entries(verdict.headers)) exchange.response.setHeader(name, value);
    // Counted here, not from 429 statuses: an upstream's own 429 is not our limiter's refusal.
    if (verdict.refusal && contractCodeOf(verdict.refusal) === 'RATE_LIMIT_EXCEEDED') {
      options.metrics.rateLimitRejected(exchange.principal?.tier ?? 'anonymous');
    }
    return verdict.refusal ?? null;
  };
  const contextOf = (exchange: Exchange): EdgeContext =>
    edgeContext(exchange.principal, exchange.requestId, clientAddress(exchange.request, options.trustProxy), options.tokens.sign, exchange.notes);

  const graphqlEndpoint: Route = async (exchange) => {
    const refusal = await identifyAndCount(exchange);
    if (refusal) return sendGraphQLError(exchange.response, refusal);
    await graphql(exchange.request, exchange.response, exchange.url, contextOf(exchange));
  };

  const steps: EdgeSteps = {
    async admit(exchange) {
      const refusal = await identifyAndCount(exchange);
      if (!refusal) return true;
      sendErrorFromGraphQL(exchange.response, exchange.requestId, refusal);
      return false;
    },
    context: contextOf,
  };

  const routes: RouteTable = {
    ...options.routes?.(steps),
    '/graphql': { GET: graphqlEndpoint, POST: graphqlEndpoint },
    '/health': {
      GET: async ({ response, requestId }) =>
        sendJson(
          response,
          200,
          successEnvelope(
            { status: 'healthy', service: 'federation-gateway', uptime_seconds: Math.round((Date.now() - options.startedAt) / 1000) },
            requestId,
          ),
        ),
    },
    '/health/detailed': {
      GET: async ({ response, requestId }) => {
        const report = await options.health.detailed();
        sendJson(response, report.status === 'healthy' ? 200 : 503, { ...successEnvelope(report, requestId), success: report.status === 'healthy' });
      },
    },
    '/health/redis': {
      GET: async ({ response, requestId }) => {
        const redis = await options.health.redis();
        sendJson(response, redis.status === 'down' ? 503 : 200, { ...successEnvelope(redis, requestId), success: redis.status !== 'down' });
      },
    },
    '/.well-known/jwks.json': {
      GET: async ({ response, requestId }) => {
        const jwks = await options.accessTokens.jwks();
        if (!jwks) return sendErrorEnvelope(response, requestId, 'RESOURCE_NOT_FOUND', 'This gateway signs tokens with a shared secret; there are no public keys');
        response.setHeader('Cache-Control', 'public, max-age=300');
        sendJson(response, 200, jwks);
      },
    },
  };

  const observe = requestObserver({ logger: options.logger, usage: options.usage, metrics: options.metrics, tracer: options.tracer });
  const routers = (options.routers ?? []).map((router) => router(steps));
  const matchRouters = (pathname: string): Partial<Record<string, Route>> | undefined => {
    for (const router of routers) {
      const methods = router.match(pathname);
      if (methods) return methods;
    }
    return undefined;
  };

  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const requestId = requestIdFor(request.headers);
    response.setHeader('X-Request-ID', requestId);
    applySecurityHeaders(request, response);
    if (applyCors(request, response, options.cors)) return;
    const url = new URL(request.url ?? '/', 'http://gateway.invalid');
    const exchange: Exchange = { request, response, url, requestId, principal: null, route: null, counted: false, notes: freshNotes() };
    const within = observe(exchange);
    try {
      const exact = routes[url.pathname];
      const methods = exact ?? matchRouters(url.pathname);
      // Router routes (the REST bridge) name their own pattern when they run.
      if (exact) exchange.route = `${request.method} ${url.pathname}`;
      if (!methods) return sendErrorEnvelope(response, requestId, 'RESOURCE_NOT_FOUND', `Route '${request.method} ${url.pathname}' not found`);
      const route = methods[request.method ?? 'GET'];
      if (!route) {
        response.setHeader('Allow', Object.keys(methods).join(', '));
        return sendErrorEnvelope(response, requestId, 'RESOURCE_NOT_FOUND', `Route '${request.method} ${url.pathname}' not found`);
      }
      await within(() => route(exchange));
    } catch (error) {
      const code = error instanceof GraphQLError ? contractCodeOf(error) : undefined;
      if (!code || code === 'INTERNAL_ERROR') options.logger.error({ err: error, requestId }, 'request failed');
      if (response.headersSent) return void response.end();
      sendErrorEnvelope(response, requestId, code ?? 'INTERNAL_ERROR', code && code !== 'INTERNAL_ERROR' ? (error as Error).message : undefined);
    }
  };
}
