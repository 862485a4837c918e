import type { EdgePlugin } from '../../../core/http/edge-plugin.ts';
import { principalId } from '../../../core/identity/principal.ts';
import type { Logger } from '../../../core/logger.ts';
import { loggablePath } from '../../http/loggable-path.ts';

/**
 * The one log line per request. Only identifiers are logged, never credentials:
 * the path without its query string.
 */
export function requestLogPlugin(options: { readonly logger: Logger }): EdgePlugin {
  return {
    name: 'request-log',
    onResponse(exchange, done) {
      const { operationName } = exchange.notes;
      options.logger.info(
        {
          requestId: exchange.requestId,
          method: exchange.request.method,
          path: loggablePath(exchange.url.pathname),
          status: exchange.response.statusCode,
          durationMs: done.latencyMs,
          principal: exchange.principal ? principalId(exchange.principal) : null,
          ...(operationName ? { operation: operationName } : {}),
        },
        'request',
      );
    },
  };
}
