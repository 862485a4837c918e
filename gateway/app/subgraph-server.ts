import type { Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError } from 'graphql';
import { maskError } from '../../core/errors/mask-error.ts';
import { bodyLimitPlugin } from '../../core/http/body-limit.ts';
import { edgePipeline } from '../../core/http/edge-pipeline.ts';
import { graphqlRoute } from '../../core/http/graphql-route.ts';
import { requestIdPlugin } from '../../core/http/request-id.ts';
import { sendGraphQLError, sendJson } from '../../core/http/respond.ts';
import { securityHeadersPlugin } from '../../core/http/security-headers.ts';
import { INTERNAL_TOKEN_HEADER, internalTokens } from '../../core/identity/internal-token.ts';
import type { Logger } from '../../core/logger.ts';
import type { SubgraphName } from '../../schema/subgraph-names.ts';
import { V1_SERVICES } from '../../schema/v1-services.ts';
import { subgraphDefinition } from '../../subgraphs/registry.ts';
import { buildExecutableSubgraph } from '../../subgraphs/shared/build-subgraph-schema.ts';
import { callerProofPlugin } from '../../subgraphs/shared/caller-proof-plugin.ts';
import type { SubgraphContext } from '../../core/identity/subgraph-context.ts';
import type { AppConfig } from './config/app-config.ts';
import { ConfigError } from './config/config-error.ts';
import { httpServer, listen } from './http-server.ts';
import { lifecycle as newLifecycle } from './lifecycle.ts';
import { platformServices } from './platform-services.ts';
import { openStorage } from './storage.ts';
import { faultLedger, type FaultLedger } from '../../core/faults/fault-ledger.ts';

export interface RunningSubgraph {
  readonly server: Server;
  readonly url: string;
  readonly faults: FaultLedger;
  close(): Promise<void>;
}

/**
 * One subgraph in its own process (`npm run subgraph -- <name>`), behind the same
 * HTTP prelude as the edge. It answers only calls that carry a valid internal
 * token from the edge.
 */
export async function startSubgraphServer(
  name: SubgraphName,
  config: AppConfig,
  logger: Logger,
  at: { host: string; port: number },
): Promise<RunningSubgraph> {
  if (V1_SERVICES.some((service) => service.name === name && service.callsBack)) {
    if (config.v1.publicUrl === null) throw new ConfigError('PUBLIC_URL', `is required when the ${name} subgraph runs alone: its upstream calls the gateway back there`);
    if (config.v1.callbackSecretGenerated) throw new ConfigError('TRAINING_CALLBACK_SECRET', `is required when the ${name} subgraph runs alone: the gateway checks what it signs`);
  }
  const lifecycle = newLifecycle(logger);
  const faults = faultLedger(logger);
  try {
    const storage = await openStorage(config, logger);
    lifecycle.onShutdown('close stores', 'storage', () => storage.close());
    const platform = await platformServices(config, storage, logger);
    lifecycle.onShutdown('stop workers', 'module upstreams', () => platform.stopUpstreams());
    lifecycle.onShutdown('stop workers', 'event outbox relay', () => platform.stopEventRelay());
    const tokens = internalTokens(config.internalToken);
    const apollo = new ApolloServer<SubgraphContext>({
      schema: buildExecutableSubgraph(subgraphDefinition(name), platform.subgraphServices),
      // The gateway needs `_service` to be introspectable; clients never reach this port.
      introspection: true,
      csrfPrevention: false,
      // The process owns its signals: subgraph-main.ts runs the shutdown phases.
      stopOnTerminationSignals: false,
      // Inline traces feed Apollo Studio, which this platform does not use; they cost every request.
      plugins: [ApolloServerPluginInlineTraceDisabled(), callerProofPlugin(tokens.proofs)],
      includeStacktraceInErrorResponses: config.exposeStackTraces,
      formatError: (formatted, error) =>
        maskError(formatted, error, {
          exposeStack: config.exposeStackTraces,
          onMasked: (original) => logger.error({ err: original }, 'masked an internal error'),
        }),
    });
    await apollo.start();
    lifecycle.onShutdown('stop services', 'apollo server', () => apollo.stop());
    const graphql = graphqlRoute({ server: apollo });

    const handler = edgePipeline({
      plugins: [requestIdPlugin(), securityHeadersPlugin(), bodyLimitPlugin({ bytes: config.http.bodyLimitBytes, jsonMaxDepth: config.operationLimits.maxJsonDepth })],
      logger,
      faults,
      routes: {
        '/health': { GET: async ({ response }) => sendJson(response, 200, { status: 'up', subgraph: name }) },
        '/graphql': {
          POST: async (exchange) => {
            const header = exchange.request.headers[INTERNAL_TOKEN_HEADER];
            let context: SubgraphContext;
            try {
              const call = await tokens.verify(Array.isArray(header) ? header[0] : header);
              context = { principal: call.principal, requestId: call.requestId, clientAddress: call.clientAddress, provenCallers: call.provenCallers ?? [], causedBy: call.causedBy ?? [] };
            } catch (error) {
              if (!(error instanceof GraphQLError)) throw error;
              return sendGraphQLError(exchange.response, error);
            }
            await graphql(exchange, context);
          },
        },
      },
    });
    const server = httpServer(handler, faults);
    const url = `${await listen(server, at, lifecycle)}/graphql`;
    logger.info({ subgraph: name, url }, 'subgraph ready');
    return { server, url, faults, close: () => lifecycle.shutdown() };
  } catch (error) {
    await lifecycle.shutdown();
    throw error;
  }
}
