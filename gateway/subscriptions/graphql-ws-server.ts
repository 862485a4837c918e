import { randomUUID } from 'node:crypto';
import { findJsonInputProblem } from '../../core/http/json-input.ts';
import { finiteNumberLiteralsRule, safeStringLiteralsRule } from '../executor/literal-rules.ts';
import { parseRequestTarget, ROOT_TARGET } from '../../core/http/request-target.ts';
import {
  GraphQLError,
  print,
  NoSchemaIntrospectionCustomRule,
  specifiedRules,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { WebSocket } from 'ws';
import { WebSocketServer } from 'ws';
import { validationError } from '../../core/errors/errors.ts';
import type { OperationLimits } from '../executor/operation-limits.ts';
import { edgeContext } from '../executor/edge-context.ts';
import type { WebSocketUsage } from '../usage/websocket-usage.ts';
import type { ExecuteOperation } from '../executor/execute-operation.ts';
import { operationLimitRules } from '../executor/operation-limits.ts';
import { clientAddress } from '../../core/http/client-address.ts';
import type { Logger } from '../../core/logger.ts';
import type { InternalCall } from '../../core/identity/internal-token.ts';
import { maskError, type MaskOptions } from '../../core/errors/mask-error.ts';
import type { TrustProxy } from '../../core/http/trusted-proxies.ts';
import { withoutSuggestions } from '../executor/schema-exposure.ts';
import { admitConnection, closeFrameOf, connectionCredentials, type ConnectionAdmissionOptions } from './connection-auth.ts';
import type { EventHub } from './event-hub.ts';
import { documentCache } from './document-cache.ts';
import { eventResolvers, type SubscriptionAuthorizer } from './event-resolvers.ts';
import { fanOutGroups } from './fan-out-groups.ts';
import { groupedSubscribe, type OperationContext } from './grouped-subscribe.ts';
import type { SubscriptionContext } from './subscription-context.ts';

export interface GraphqlWsServerOptions extends ConnectionAdmissionOptions {
  /** The supergraph's API schema, as Apollo Gateway serves it. */
  readonly schema: () => GraphQLSchema;
  readonly hub: EventHub;
  readonly execute: ExecuteOperation;
  readonly signInternalToken: (call: InternalCall) => Promise<string>;
  readonly authorizeSubscription: SubscriptionAuthorizer;
  readonly operationLimits: OperationLimits;
  readonly trustProxy: TrustProxy;
  readonly logger: Logger;
  readonly production: boolean;
  /** EXPOSE_STACK_TRACES: never in production. */
  readonly exposeStackTraces: boolean;
  /** A message larger than this closes the connection. */
  readonly maxPayloadBytes: number;
  /** Connection counts and one usage record per operation started, like HTTP requests. */
  readonly usage: WebSocketUsage;
}

export interface GraphqlWsServer {
  readonly sockets: WebSocketServer;
  /** Closes every connection with 1001, after the caller has drained the hub. */
  close(): Promise<void>;
}

/**
 * graphql-ws on `/graphql`. Queries and mutations sent over the socket go to
 * Apollo like any HTTP request; subscriptions run in graphql-js against the API
 * schema with `eventResolvers`, each event's cross-subgraph fields planned by
 * Apollo. Every `subscribe` message counts as one request against the limits.
 */
export function graphqlWsServer(options: GraphqlWsServerOptions): GraphqlWsServer {
  const sockets = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes });
  const contexts = new WeakMap<WebSocket, SubscriptionContext>();
  const resolvers = eventResolvers({
    hub: options.hub,
    execute: options.execute,
    signInternalToken: options.signInternalToken,
    authorizeSubscription: options.authorizeSubscription,
  });
  const mask: MaskOptions = {
    exposeStack: options.exposeStackTraces,
    onMasked: (original) => options.logger.error({ err: original }, 'masked an internal error in a subscription'),
  };
  const masked = (errors: readonly GraphQLError[]) => errors.map((error) => maskError(error.toJSON(), error, mask));
  // Errors leave as contract codes, as they do over HTTP.
  const formatted = (result: { readonly data?: unknown; readonly errors?: readonly GraphQLError[] | undefined; readonly extensions?: unknown }): Record<string, unknown> =>
    result.errors
      ? { data: result.data ?? null, errors: masked(result.errors), ...(result.extensions ? { extensions: result.extensions } : {}) }
      : { data: result.data, ...(result.extensions ? { extensions: result.extensions } : {}) };
  const subscribe = groupedSubscribe({ resolvers, groups: fanOutGroups(), format: formatted });
  const rules = [
    ...specifiedRules,
    ...operationLimitRules(options.operationLimits),
    safeStringLiteralsRule,
    finiteNumberLiteralsRule,
    ...(options.operationLimits.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
  ];
  const documents = documentCache({ maxDocuments: 1000, maxTokens: options.operationLimits.maxTokens, rules });
  const shown = (message: string) => (options.operationLimits.suggestions ? message : withoutSuggestions(message));

  const runOverApollo = async (args: ExecutionArgs): Promise<ExecutionResult> => {
    const context = args.contextValue as SubscriptionContext;
    const edge = edgeContext(context.principal, `${context.connectionId}:${randomUUID()}`, context.clientAddress, options.signInternalToken);
    const result = await options.execute(print(args.document), (args.variableValues ?? {}) as Record<string, unknown>, edge, args.operationName ?? undefined);
    return {
      data: result.data,
      ...(result.errors.length > 0 ? { errors: result.errors.map((error) => new GraphQLError(error.message, { extensions: error.extensions ?? {}, path: error.path })) } : {}),
    };
  };

  const server = useServer<Record<string, unknown>, { socket: WebSocket; request: import('node:http').IncomingMessage }>(
    {
      isProd: options.production,
      onConnect: async (ctx) => {
        const { socket, request } = ctx.extra;
        const url = (parseRequestTarget(request.url) ?? ROOT_TARGET);
        const address = clientAddress(request, options.trustProxy);
        const connectionId = `ws_${randomUUID()}`;
        const end = (reason: GraphQLError): void => socket.close(...closeFrameOf(reason));
        const admission = await admitConnection(options, connectionCredentials(ctx.connectionParams, request, url), address, (principal) => ({ principal, end }));
        if ('refusal' in admission) {
          end(admission.refusal);
          return false;
        }
        // The client may have gone while it was being authenticated; its slot must not stay taken.
        if (socket.readyState !== socket.OPEN) {
          admission.release();
          return false;
        }
        socket.once('close', admission.release);
        options.usage.opened();
        socket.once('close', () => options.usage.closed());
        contexts.set(socket, { principal: admission.principal, clientAddress: address, connectionId, end });
        return true;
      },
      onSubscribe: async (ctx, id, payload) => {
        const context = contexts.get(ctx.extra.socket);
        if (!context) return [validationError('Connection not initialised')];
        const started = performance.now();
        // One usage record per operation started: the socket's equivalent of a request.
        const recorded = <T>(status: number, outcome: T): T => {
          options.usage.message({
            principal: context.principal,
            requestId: context.connectionId,
            operationName: payload.operationName ?? null,
            status,
            latencyMs: performance.now() - started,
            bytesIn: payload.query.length,
            bytesOut: 0,
          });
          return outcome;
        };
        const verdict = await options.rateLimit(context.principal, context.clientAddress);
        if (verdict.refusal) return recorded(429, [verdict.refusal]);
        const variablesProblem = payload.variables ? findJsonInputProblem(payload.variables, options.operationLimits.maxJsonDepth, ['variables']) : null;
        if (variablesProblem) return recorded(400, [variablesProblem]);
        let document: DocumentNode;
        try {
          document = documents.parse(payload.query);
        } catch (error) {
          return recorded(400, [error instanceof GraphQLError ? validationError(error.message) : validationError('Unreadable operation')]);
        }
        const schema = options.schema();
        const errors = documents.validate(schema, document);
        if (errors.length > 0) return recorded(400, errors.map((error) => validationError(shown(error.message))));
        const operation: OperationContext = { ...context, socket: ctx.extra.socket, operationId: id };
        return recorded(200, {
          schema,
          document,
          variableValues: payload.variables ?? {},
          operationName: payload.operationName ?? null,
          contextValue: operation,
        });
      },
      // Queries and mutations over the socket; subscription events are sent by `socketDelivery`.
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? formatted(result) : undefined),
      onError: (_ctx, _id, _payload, errors) => masked(errors),
      execute: runOverApollo,
      subscribe,
    },
    sockets,
  );

  return {
    sockets,
    close: async () => {
      await server.dispose();
    },
  };
}
