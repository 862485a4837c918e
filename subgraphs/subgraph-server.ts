import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError } from 'graphql';
import { ConfigError, type AppConfig } from '../gateway/config.ts';
import { graphqlRoute } from '../gateway/http/graphql-route.ts';
import { requestIdFor } from '../gateway/http/request-id.ts';
import { sendErrorEnvelope, sendGraphQLError, sendJson } from '../gateway/http/respond.ts';
import { applySecurityHeaders } from '../gateway/http/security-headers.ts';
import type { Logger } from '../gateway/logger.ts';
import { V1_SERVICES } from '../schema/v1-services.ts';
import { openPlatformServices } from '../gateway/platform-services.ts';
import type { SubgraphName } from './names.ts';
import { subgraphDefinition } from './registry.ts';
import { buildExecutableSubgraph } from './shared/build-subgraph-schema.ts';
import type { SubgraphContext } from './shared/context.ts';
import { INTERNAL_TOKEN_HEADER, internalTokens } from './shared/internal-token.ts';
import { maskError } from './shared/mask-error.ts';
import { callerProofPlugin } from './shared/caller-proof-plugin.ts';

export interface RunningSubgraph {
  readonly server: Server;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * One subgraph in its own process (`npm run subgraph -- <name>`). It answers only
 * calls that carry a valid internal token from the edge.
 */
export async function startSubgraphServer(
  name: SubgraphName,
  config: AppConfig,
  logger: Logger,
  listen: { host: string; port: number },
): Promise<RunningSubgraph> {
  if (V1_SERVICES.some((service) => service.name === name && service.callsBack)) {
    if (config.v1.publicUrl === null) throw new ConfigError('PUBLIC_URL', `is required when the ${name} subgraph runs alone: its upstream calls the gateway back there`);
    if (config.v1.callbackSecretGenerated) throw new ConfigError('TRAINING_CALLBACK_SECRET', `is required when the ${name} subgraph runs alone: the gateway checks what it signs`);
  }
  const platform = await openPlatformServices(config, logger);
  const tokens = internalTokens(config.internalToken);
  const schema = buildExecutableSubgraph(subgraphDefinition(name), platform.subgraphServices);
  const apollo = new ApolloServer<SubgraphContext>({
    schema,
    // The gateway needs `_service` to be introspectable; clients never reach this port.
    introspection: true,
    csrfPrevention: false,
    // The process owns its signals: main.ts closes every client in order.
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
  const graphql = graphqlRoute({ server: apollo, bodyLimitBytes: config.http.bodyLimitBytes });

  const server = createServer((request, response) => {
    const requestId = requestIdFor(request.headers);
    response.setHeader('X-Request-ID', requestId);
    applySecurityHeaders(request, response);
    const url = new URL(request.url ?? '/', 'http://subgraph.invalid');
    void (async () => {
      if (url.pathname === '/health' && request.method === 'GET') return sendJson(response, 200, { status: 'up', subgraph: name });
      if (url.pathname !== '/graphql' || request.method !== 'POST') {
        return sendErrorEnvelope(response, requestId, 'RESOURCE_NOT_FOUND', `Route '${request.method} ${url.pathname}' not found`);
      }
      const header = request.headers[INTERNAL_TOKEN_HEADER];
      let context: SubgraphContext;
      try {
        const call = await tokens.verify(Array.isArray(header) ? header[0] : header);
        context = { principal: call.principal, requestId: call.requestId, clientAddress: call.clientAddress, provenCallers: call.provenCallers ?? [] };
      } catch (error) {
        return sendGraphQLError(response, error as GraphQLError);
      }
      await graphql(request, response, url, context);
    })().catch((error: unknown) => {
      logger.error({ err: error, requestId }, 'subgraph request failed');
      if (!response.headersSent) sendErrorEnvelope(response, requestId, 'INTERNAL_ERROR');
      else response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${listen.host === '0.0.0.0' ? '127.0.0.1' : listen.host}:${address.port}/graphql`;
  logger.info({ subgraph: name, url }, 'subgraph ready');
  return {
    server,
    url,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await apollo.stop();
      await platform.close();
    },
  };
}
