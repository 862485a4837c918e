import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError } from 'graphql';
import { contractCodeOf, validationError } from '../errors/errors.ts';
import { classifyFailure, contractErrorFor } from '../errors/failure-class.ts';
import type { FaultLedger } from '../faults/fault-ledger.ts';
import type { Logger } from '../logger.ts';
import { countBytesOut } from './byte-counter.ts';
import type { EdgePlugin } from './edge-plugin.ts';
import { newExchange, type Exchange, type Route, type RouteMethods, type RouteTable, type Router } from './exchange.ts';
import { parseRequestTarget, ROOT_TARGET } from './request-target.ts';
import { sendErrorEnvelope, sendErrorFromGraphQL } from './respond.ts';

export interface EdgePipelineOptions {
  /** In the order their hooks run: request id first, identity before limits. */
  readonly plugins: readonly EdgePlugin[];
  /** Exact paths. */
  readonly routes: RouteTable;
  /** Path patterns (the REST bridge), tried in order after the exact paths. */
  readonly routers?: readonly Router[];
  readonly logger: Logger;
  /** Told of throws from response hooks, and of the requests in flight. */
  readonly faults: FaultLedger;
}

export type Admission = (exchange: Exchange) => Promise<GraphQLError | null>;

/** Every plugin's admission in order (identity, then limits); null when the caller may go on. */
export function admission(plugins: readonly EdgePlugin[]): Admission {
  const admitters = plugins.filter((plugin) => plugin.onAdmit);
  return async (exchange) => {
    for (const plugin of admitters) {
      const refusal = await plugin.onAdmit!(exchange);
      if (refusal) return refusal;
    }
    return null;
  };
}

const notFound = (exchange: Exchange): void =>
  sendErrorEnvelope(exchange.response, exchange.requestId, 'RESOURCE_NOT_FOUND', `Route '${exchange.request.method} ${exchange.url.pathname}' not found`);

/** The edge as a loop over plugins and a router; every concern lives in a plugin. */
export function edgePipeline(options: EdgePipelineOptions): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  const { plugins } = options;
  const wrappers = plugins.filter((plugin) => plugin.wrapRoute);
  const finishers = plugins.filter((plugin) => plugin.onResponse);

  const match = (pathname: string): { methods: RouteMethods; exact: boolean } | undefined => {
    const exact = options.routes[pathname];
    if (exact) return { methods: exact, exact: true };
    for (const router of options.routers ?? []) {
      const methods = router.match(pathname);
      if (methods) return { methods, exact: false };
    }
    return undefined;
  };

  const run = (exchange: Exchange, route: Route): Promise<void> =>
    wrappers.reduceRight<() => Promise<void>>((inner, plugin) => () => plugin.wrapRoute!(exchange, inner), () => route(exchange))();

  const answerFailure = (exchange: Exchange, error: unknown): void => {
    // Classified once here: a dependency that is down is a 503 naming it, a client mistake a 400.
    const classified = error instanceof GraphQLError && contractCodeOf(error) ? error : (contractErrorFor(classifyFailure(error)) ?? error);
    const code = classified instanceof GraphQLError ? contractCodeOf(classified) : undefined;
    if (!code || code === 'INTERNAL_ERROR') options.logger.error({ err: error, requestId: exchange.requestId }, 'request failed');
    const { response } = exchange;
    if (response.headersSent) return void response.end();
    if (classified instanceof GraphQLError && code) return sendErrorFromGraphQL(response, exchange.requestId, classified);
    sendErrorEnvelope(response, exchange.requestId, 'INTERNAL_ERROR');
  };

  const reportWhenDone = (exchange: Exchange): void => {
    const started = performance.now();
    const bytesOut = countBytesOut(exchange.response);
    exchange.response.once('finish', () => {
      const done = { latencyMs: Math.round((performance.now() - started) * 100) / 100, bytesOut: bytesOut() };
      // Each hook on its own: one that throws (after the answer went out) costs its own report only.
      for (const plugin of finishers) {
        try {
          plugin.onResponse!(exchange, done);
        } catch (error) {
          options.faults.contained('response-hook', error, exchange.requestId);
        }
      }
    });
  };

  const serve = async (exchange: Exchange, target: URL | null): Promise<void> => {
    const { request, response } = exchange;
    try {
      if (!target) throw validationError('Malformed request target');
      const found = match(exchange.url.pathname);
      // Router routes (the REST bridge) name their own pattern when they run.
      if (found?.exact) exchange.route = `${request.method} ${exchange.url.pathname}`;
      const route = found?.methods[request.method ?? 'GET'];
      if (found && !route) response.setHeader('Allow', Object.keys(found.methods).join(', '));
      if (!route) return notFound(exchange);
      await run(exchange, route);
    } catch (error) {
      answerFailure(exchange, error);
    }
  };

  // Total: whatever a plugin or route throws ends this request with an answer, never the process.
  return async (request, response) => {
    const target = parseRequestTarget(request.url);
    const exchange = newExchange(request, response, target ?? ROOT_TARGET);
    try {
      for (const plugin of plugins) if (plugin.onRequest?.(exchange)) return;
    } catch (error) {
      return answerFailure(exchange, error);
    }
    options.faults.inFlight.add(exchange.requestId);
    response.once('close', () => options.faults.inFlight.delete(exchange.requestId));
    reportWhenDone(exchange);
    await serve(exchange, target);
  };
}
