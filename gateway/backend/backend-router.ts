import { unauthenticated } from '../../core/errors/errors.ts';
import type { Exchange, Route, RouteMethods, Router } from '../../core/http/exchange.ts';
import { sendErrorFromGraphQL } from '../../core/http/respond.ts';
import type { EdgeSteps } from '../edge/edge-steps.ts';
import type { BackendClient } from './backend-client.ts';
import { connectionHeaderAbuse } from './backend-headers.ts';
import { matchBackendRoute, routePattern } from './backend-routes.ts';

/** What a backend answers; TRACE and CONNECT are not passed through. */
const PASSED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * The backend pass-through as a router, mounted after the REST bridge so it only
 * sees paths no bridge route claims. Each request goes through the same admission
 * as every route (identity, one rate-limit count, a usage record) before a byte
 * of it reaches the backend.
 */
export function backendRouter(backends: readonly BackendClient[]) {
  const entries = backends.map((client) => ({ prefix: client.route.prefix, client }));

  return (steps: EdgeSteps): Router => {
    const handle = async (client: BackendClient, exchange: Exchange): Promise<void> => {
      exchange.route = `${exchange.request.method ?? 'GET'} ${routePattern(client.route.prefix)}`;
      const refuse = (error: Parameters<typeof sendErrorFromGraphQL>[2]): void => {
        // Drained rather than cut, so the caller's connection stays usable for its next request.
        exchange.request.resume();
        sendErrorFromGraphQL(exchange.response, exchange.requestId, error);
      };
      const abuse = connectionHeaderAbuse(exchange.request.headers);
      if (abuse) return refuse(abuse);
      if (!(await steps.admit(exchange))) return void exchange.request.resume();
      if (!exchange.principal && client.route.auth === 'required') {
        return refuse(unauthenticated(`Backend '${client.route.name}' needs a JWT or an API key`));
      }
      await client.forward(exchange, exchange.principal);
    };

    const methodsFor = new Map<BackendClient, RouteMethods>(
      backends.map((client) => {
        const route: Route = (exchange) => handle(client, exchange);
        return [client, Object.fromEntries(PASSED_METHODS.map((method) => [method, route]))];
      }),
    );

    return {
      match(pathname) {
        const entry = matchBackendRoute(entries, pathname);
        return entry ? methodsFor.get(entry.client) : undefined;
      },
    };
  };
}
