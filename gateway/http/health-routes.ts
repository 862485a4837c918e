import { successEnvelope } from '../../core/http/envelope.ts';
import type { RouteTable } from '../../core/http/exchange.ts';
import { sendErrorEnvelope, sendJson } from '../../core/http/respond.ts';
import type { AccessTokens } from '../../core/identity/access-tokens.ts';
import type { HealthChecks } from './health.ts';
import type { livenessSchema } from './health-report.ts';
import type { z } from 'zod';

type Liveness = z.infer<typeof livenessSchema>;

export interface HealthRoutesOptions {
  readonly health: HealthChecks;
  /** Publishes the JWKS when tokens are signed with an asymmetric key. */
  readonly accessTokens: AccessTokens;
  /** When the process started, for `uptime_seconds`. */
  readonly startedAt: number;
}

/** `/health`, `/health/detailed`, `/health/redis` and `/.well-known/jwks.json`: unauthenticated, never counted. */
export function healthRoutes(options: HealthRoutesOptions): RouteTable {
  return {
    '/health': {
      GET: async ({ response, requestId }) =>
        sendJson(
          response,
          200,
          successEnvelope<Liveness>({ status: 'healthy', service: 'federation-gateway', uptime_seconds: Math.round((Date.now() - options.startedAt) / 1000) }, requestId),
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
}
