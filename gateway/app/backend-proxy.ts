import { backendClient, type BackendClient } from '../backend/backend-client.ts';
import { backendMetrics, type BackendMeter } from '../backend/backend-metrics.ts';
import { backendRouter } from '../backend/backend-router.ts';
import type { GatewayMetrics } from '../observability/gateway-metrics.ts';
import type { AppConfig } from './config/app-config.ts';
import type { Lifecycle } from './lifecycle.ts';

export interface BackendProxy {
  readonly clients: readonly BackendClient[];
  readonly meter: BackendMeter;
  /** Mounted after the REST bridge's router. */
  readonly router: ReturnType<typeof backendRouter>;
}

/** Seed 004's pass-through (BACKEND_ROUTES): one client (pool, breaker, signer) per route, its metrics, its shutdown step. */
export function backendProxy(config: AppConfig, metrics: GatewayMetrics, lifecycle: Lifecycle): BackendProxy {
  const clients: BackendClient[] = [];
  const meter = backendMetrics(metrics.registry, () => clients.map((client) => ({ name: client.route.name, state: client.state() })));
  for (const route of config.backend.routes) {
    clients.push(backendClient({ route, signingSecret: config.modules.signingSecret, trustProxy: config.trustProxy, meter }));
  }
  // After 'drain http', so streams in flight had their chance to finish.
  lifecycle.onShutdown('stop services', 'backend connection pools', async () => {
    await Promise.all(clients.map((client) => client.close()));
  });
  return { clients, meter, router: backendRouter(clients) };
}
