import type { GraphQLError } from 'graphql';
import { validationError } from '../core/errors/errors.ts';
import { validInput } from '../core/errors/validate-input.ts';
import type { ExecuteOperation } from '../gateway/executor/execute-operation.ts';
import type { Exchange, Route, Router } from '../core/http/exchange.ts';
import type { EdgeSteps } from '../gateway/edge/edge-steps.ts';
import { parseJsonBody, readBody } from '../core/http/read-body.ts';
import { sendErrorEnvelope, sendErrorFromGraphQL, sendJson } from '../core/http/respond.ts';
import { isOutcome, type BridgeInput, type BridgeOutcome, type BridgeRoute } from './bridge-route.ts';
import { successEnvelope } from '../core/http/envelope.ts';
import { compilePath } from './path-pattern.ts';

export interface BridgeRouterOptions {
  readonly routes: readonly BridgeRoute[];
  readonly execute: ExecuteOperation;
}

const isJson = (contentType: string | undefined) => contentType === undefined || /^application\/([\w.+-]*\+)?json\b/i.test(contentType);

async function bodyOf(exchange: Exchange, route: BridgeRoute): Promise<unknown> {
  if (!route.body) {
    // A route without a body ignores one; draining is cheaper than reading it.
    exchange.request.resume();
    return undefined;
  }
  const raw = await readBody(exchange.request, exchange.bodyLimitBytes);
  if (raw.length > 0 && !isJson(exchange.request.headers['content-type'])) {
    throw validationError("Expected Content-Type 'application/json'", 'body');
  }
  const parsed = parseJsonBody(raw, exchange.jsonMaxDepth);
  if (parsed === undefined && route.body.safeParse(undefined).success === false) throw validationError('Request body must be a JSON object', 'body');
  return validInput(route.body, parsed);
}

function queryOf(exchange: Exchange, route: BridgeRoute): Record<string, unknown> {
  const query: Record<string, string> = {};
  for (const [name, value] of exchange.url.searchParams) if (!(name in query)) query[name] = value;
  // The edge reads api_key from the query for identity; it is not the route's input.
  delete query['api_key'];
  return route.query ? (validInput(route.query, query) as Record<string, unknown>) : query;
}

/**
 * Legacy REST routes as GraphQL operations: the same admission (identity, one
 * rate-limit count), the same executor and plan as /graphql, the envelopes of
 * CONTRACT.md section 4, and statuses from the one error table.
 */
export function bridgeRouter(options: BridgeRouterOptions) {
  const compiled = options.routes.map((route) => ({ route, pattern: compilePath(route.path) }));

  return (steps: EdgeSteps): Router => {
    const send = (exchange: Exchange, outcome: BridgeOutcome): void => {
      if (outcome.kind === 'error') return sendErrorEnvelope(exchange.response, exchange.requestId, outcome.code, outcome.message);
      sendJson(exchange.response, outcome.status, successEnvelope(outcome.data, exchange.requestId, outcome.message));
    };

    const handle = async (route: BridgeRoute, params: Record<string, string>, exchange: Exchange): Promise<void> => {
      exchange.route = `${route.method} ${route.path}`;
      if (!(await steps.admit(exchange, 'operation'))) return void exchange.request.resume();
      let input: BridgeInput;
      try {
        input = { params, query: queryOf(exchange, route), body: await bodyOf(exchange, route) };
      } catch (error) {
        exchange.request.resume();
        return sendErrorFromGraphQL(exchange.response, exchange.requestId, error as GraphQLError);
      }
      const call = route.operation(input);
      if (isOutcome(call)) return send(exchange, call);
      // Says which operation answered, for clients and logs tracing a legacy call into the graph.
      const name = /^\s*(?:query|mutation)\s+(\w+)/.exec(call.document)?.[1];
      if (name) exchange.response.setHeader('X-GraphQL-Operation', name);
      const result = await options.execute(call.document, call.variables, steps.context(exchange));
      const [error] = result.errors;
      if (error) return sendErrorFromGraphQL(exchange.response, exchange.requestId, error);
      const mapped = route.result(result.data ?? {}, input);
      send(exchange, isOutcome(mapped) ? mapped : { kind: 'success', status: route.successStatus, data: mapped });
    };

    return {
      match(pathname) {
        let methods: Partial<Record<string, Route>> | undefined;
        for (const { route, pattern } of compiled) {
          const params = pattern.match(pathname);
          if (!params) continue;
          methods ??= {};
          methods[route.method] ??= (exchange) => handle(route, params, exchange);
        }
        return methods;
      },
    };
  };
}
