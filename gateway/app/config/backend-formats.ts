import { z } from 'zod';
import { parseDuration } from '../../../core/durations.ts';
import type { BackendConfig, BackendRoute } from '../../backend/backend-routes.ts';
import { ConfigError } from './config-error.ts';

// BACKEND_* (seed 004's proxied endpoints): the formats, and the rules that tie them together.

export type BackendRouteEntry = Omit<BackendRoute, 'timeoutMs' | 'retries' | 'maxBodyBytes'> & { timeoutMs?: number; retries?: number; maxBodyBytes?: number };

const PREFIX = /^(\/[A-Za-z0-9._~!$&'()+,;=:@-]+)*\/?(\*)?$/;
const ENTRY_FORMAT = '<path prefix>[/*]=<http(s) url>[;timeout=<duration>][;retries=<n>][;name=<name>][;auth=required|optional][;max_body=<bytes>]';

/** `/api/v1/*=http://127.0.0.1:8080;timeout=5s,/legacy/*=http://10.0.0.9:9000;auth=optional` */
export const backendRoutes = z.string().transform((value, ctx) => {
  const routes: BackendRouteEntry[] = [];
  const fail = (message: string) => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  for (const entry of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [assignment, ...settings] = entry.split(';');
    const [pattern = '', url = ''] = (assignment ?? '').split(/=(.*)/s, 2);
    if (!PREFIX.test(pattern) || !pattern.startsWith('/')) return fail(`entry '${entry}': '${pattern}' is not a path prefix like /api/v1/*; expected ${ENTRY_FORMAT}`);
    if (!/^https?:\/\//.test(url) || !URL.canParse(url)) return fail(`entry '${entry}': '${url}' is not an http(s) URL; expected ${ENTRY_FORMAT}`);
    const parsed = new URL(url);
    if (parsed.username || parsed.password || parsed.search || parsed.hash) return fail(`entry '${entry}': the URL must not carry credentials, a query or a fragment`);
    const prefix = pattern.replace(/\/?\*$/, '').replace(/\/+$/, '');
    const route: BackendRouteEntry = { name: prefix === '' ? '/' : prefix, prefix, url, auth: 'required' };
    for (const setting of settings) {
      const [key, raw = ''] = setting.split('=', 2);
      const number = Number(raw);
      if (key === 'timeout' && parseDuration(raw) !== null && (parseDuration(raw) ?? 0) > 0) route.timeoutMs = parseDuration(raw) ?? 0;
      else if (key === 'retries' && Number.isInteger(number) && number >= 0 && number <= 5) route.retries = number;
      else if (key === 'name' && /^[A-Za-z0-9._/-]{1,64}$/.test(raw)) (route as { name: string }).name = raw;
      else if (key === 'auth' && (raw === 'required' || raw === 'optional')) (route as { auth: string }).auth = raw;
      else if (key === 'max_body' && /^\d+$/.test(raw) && Number.isSafeInteger(number) && number > 0) route.maxBodyBytes = number;
      else return fail(`entry '${entry}': '${setting}' is not a valid setting; expected ${ENTRY_FORMAT}`);
    }
    if (routes.some((other) => other.prefix === prefix)) return fail(`prefix '${pattern}' appears twice`);
    if (routes.some((other) => other.name === route.name)) return fail(`name '${route.name}' appears twice`);
    routes.push(route);
  }
  return routes;
});

/** Seed 004 wrote `BACKEND_TIMEOUT=30.0` (seconds); durations like `30s` or `500ms` are read too. */
export const backendTimeout = z.string().transform((value, ctx) => {
  const text = value.trim();
  const ms = /^\d+(\.\d+)?$/.test(text) ? Math.round(Number(text) * 1000) : parseDuration(text);
  if (ms === null || ms <= 0) {
    ctx.addIssue({ code: 'custom', message: `'${value}' must be seconds (30, 30.0) or a duration like 500ms or 30s` });
    return z.NEVER;
  }
  return ms;
});

export const webSocketUrl = z
  .string()
  .url()
  .refine((v) => /^wss?:\/\//.test(v), 'must be a ws:// or wss:// URL');

/** Paths of the gateway's own WebSocket endpoints, which the backend's cannot take. */
const RESERVED_WS_PATHS = new Set(['/graphql', '/ws']);

export function backendConfig(
  env: { BACKEND_ROUTES: readonly BackendRouteEntry[]; BACKEND_TIMEOUT: number; BACKEND_MAX_BODY_BYTES: number; BACKEND_WS_PATH: string; BACKEND_WS_URL?: string | undefined },
  defaults: { retries: number; maxPayloadBytes: number },
): BackendConfig {
  if (!env.BACKEND_WS_PATH.startsWith('/') || RESERVED_WS_PATHS.has(env.BACKEND_WS_PATH)) {
    throw new ConfigError('BACKEND_WS_PATH', `must be a path starting with / other than ${[...RESERVED_WS_PATHS].join(' and ')}`);
  }
  return {
    routes: env.BACKEND_ROUTES.map((route) => ({
      ...route,
      timeoutMs: route.timeoutMs ?? env.BACKEND_TIMEOUT,
      retries: route.retries ?? defaults.retries,
      maxBodyBytes: route.maxBodyBytes ?? env.BACKEND_MAX_BODY_BYTES,
    })),
    webSocket:
      env.BACKEND_WS_URL === undefined
        ? null
        : { path: env.BACKEND_WS_PATH, url: env.BACKEND_WS_URL, timeoutMs: env.BACKEND_TIMEOUT, maxPayloadBytes: defaults.maxPayloadBytes },
  };
}
