import { request } from 'undici';
import { z } from 'zod';
import type { BackendClient, BackendProbe } from './backend-client.ts';
import { routePattern } from './backend-routes.ts';

export interface BackendWebSocketSource {
  readonly name: string;
  readonly url: string;
  connections(): number;
}

/**
 * A WebSocket endpoint answers a plain GET too (426 Upgrade Required, or 400):
 * an answer below 500 means it is there. Never throws.
 */
export async function probeWebSocketBackend(url: string, timeoutMs: number): Promise<BackendProbe> {
  const started = performance.now();
  const latency = (): number => Math.round((performance.now() - started) * 10) / 10;
  try {
    const answer = await request(url.replace(/^ws/, 'http'), { method: 'GET', headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs) });
    await answer.body.dump();
    return { status: answer.statusCode < 500 ? 'up' : 'down', latency_ms: latency(), http_status: answer.statusCode };
  } catch (error) {
    const code = (error as { code?: unknown; cause?: { code?: unknown } }).cause?.code ?? (error as { code?: unknown }).code;
    return { status: 'down', latency_ms: latency(), error: typeof code === 'string' ? code : 'unreachable' };
  }
}

const probeSchema = z.object({
  status: z.enum(['up', 'down']),
  latency_ms: z.number(),
  http_status: z.number().int().optional().describe("The status of the backend's GET /health (below 500: up)"),
  error: z.string().optional().describe('timeout, refused, reset or unreachable'),
});

/** The backend section of `/health/detailed`, as the OpenAPI document shows it. */
export const backendHealthSchema = z
  .object({
    routes: z.record(
      z.string(),
      probeSchema.extend({ prefix: z.string(), circuit: z.enum(['closed', 'open', 'half-open']), requests: z.number().int(), failures: z.number().int() }),
    ),
    websocket: probeSchema.extend({ path: z.string(), connections: z.number().int() }).nullable(),
  })
  .describe('The backend pass-throughs (BACKEND_ROUTES, BACKEND_WS_URL), probed now; reported, not required');

export type BackendHealth = z.infer<typeof backendHealthSchema>;

/**
 * The backend section of `/health/detailed`: each pass-through route probed now,
 * with its circuit and use; the WebSocket backend probed, with its open
 * connections. Reported, not required: a backend that is down degrades only its routes.
 */
export async function backendHealth(clients: readonly BackendClient[], webSocket: BackendWebSocketSource | null, timeoutMs = 2_000): Promise<BackendHealth> {
  const [routes, socket] = await Promise.all([
    Promise.all(
      clients.map(async (client) => [
        client.route.name,
        { prefix: routePattern(client.route.prefix), ...(await client.probe(timeoutMs)), circuit: client.state(), ...client.usage() },
      ]),
    ),
    webSocket ? probeWebSocketBackend(webSocket.url, timeoutMs) : Promise.resolve(null),
  ]);
  return {
    routes: Object.fromEntries(routes),
    websocket: webSocket && socket ? { path: webSocket.name, ...socket, connections: webSocket.connections() } : null,
  };
}
