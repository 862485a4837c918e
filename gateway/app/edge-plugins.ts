import { bodyLimitPlugin } from '../../core/http/body-limit.ts';
import { corsPlugin } from '../../core/http/cors.ts';
import type { EdgePlugin } from '../../core/http/edge-plugin.ts';
import { requestIdPlugin } from '../../core/http/request-id.ts';
import { securityHeadersPlugin } from '../../core/http/security-headers.ts';
import type { Logger } from '../../core/logger.ts';
import { identityPlugin } from '../edge/plugins/identity.ts';
import { rateLimitPlugin } from '../edge/plugins/rate-limit.ts';
import { requestLogPlugin } from '../edge/plugins/request-log.ts';
import { requestMetricsPlugin } from '../edge/plugins/request-metrics.ts';
import { tracingPlugin } from '../edge/plugins/tracing.ts';
import { usageRecordingPlugin } from '../edge/plugins/usage-recording.ts';
import type { AppConfig } from './config/app-config.ts';
import type { GatewayServices } from './gateway-services.ts';

/**
 * The gateway's edge, in the order its hooks run: the HTTP prelude (shared with a
 * separately deployed subgraph), then reporting, then admission (identity before
 * limits, so a caller is counted as who they are).
 */
export function gatewayEdgePlugins(config: AppConfig, services: GatewayServices, logger: Logger): EdgePlugin[] {
  return [
    requestIdPlugin(),
    securityHeadersPlugin(),
    corsPlugin(config.cors),
    bodyLimitPlugin({ bytes: config.http.bodyLimitBytes, jsonMaxDepth: config.operationLimits.maxJsonDepth }),
    ...(services.tracing ? [tracingPlugin({ tracer: services.tracing.tracer })] : []),
    requestLogPlugin({ logger }),
    requestMetricsPlugin({ metrics: services.metrics }),
    usageRecordingPlugin({ usage: services.usage }),
    identityPlugin({ authenticate: services.authenticate, limitOf: services.credentialLimit }),
    rateLimitPlugin({ rateLimit: services.rateLimit, trustProxy: config.trustProxy, onRejected: services.metrics.rateLimitRejected }),
  ];
}
