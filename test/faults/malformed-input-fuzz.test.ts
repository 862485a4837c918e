// Issue 14: a bounded, deterministic fuzz of malformed input over every route of
// /api/openapi.json and over /graphql. Healthy dependencies, so no answer may be
// a 5xx, and every answer must be the documented envelope or GraphQL shape.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODULE_SLUGS } from '../../schema/modules.ts';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { login } from '../support/account-flows.ts';
import { startAIVillageUpstream, type AIVillageUpstream } from '../support/aivillage-upstream.ts';
import { ADMIN, startTestGateway } from '../support/gateway-harness.ts';
import { startHealthyUpstream, type TestUpstream } from '../support/upstream-servers.ts';

const SEED = 0x14_14_14;
const INPUTS = 6_000;
const CONCURRENCY = 12;

/** mulberry32: small, seeded, the same sequence on every run. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const STRINGS = ['', 'a', 'x'.repeat(5_000), 'a\u0000b', '\ud800', '\udc00x', '💥', '../../etc/passwd', "'; DROP TABLE users; --", '%00', '%ED%A0%80', '{{7*7}}', '<script>', '1e999', '-1', 'null', 'true', '\n\r\t'];
const NUMBERS = [0, -1, 1e999, -1e308, 2 ** 53 + 1, 0.5, Number.MAX_SAFE_INTEGER];

type Random = () => number;
const pick = <T,>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

function junkValue(random: Random, depth = 0): unknown {
  const kind = Math.floor(random() * (depth > 2 ? 4 : 6));
  switch (kind) {
    case 0:
      return pick(random, STRINGS);
    case 1:
      return pick(random, NUMBERS);
    case 2:
      return pick(random, [true, false, null]);
    case 3:
      return `${pick(random, STRINGS)}${Math.floor(random() * 1000)}`;
    case 4:
      return Array.from({ length: Math.floor(random() * 4) }, () => junkValue(random, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [pick(random, ['name', 'tier', 'url', 'events', 'email', 'password', 'file', 'message', pick(random, STRINGS)]), junkValue(random, depth + 1)]));
  }
}

/** Bodies as raw text: some well-formed JSON of the wrong shape, some not JSON at all. */
function junkBody(random: Random): string {
  const kind = Math.floor(random() * 5);
  if (kind === 0) return pick(random, ['{', '{"a":', 'nul', '[1,2', '"\\ud800"', '{"a":"\\u0000"}', '1e999', '{"__proto__":{"x":1}}', '']);
  if (kind === 1) return `{"name":${JSON.stringify(pick(random, STRINGS))},"tier":${JSON.stringify(junkValue(random))}}`;
  return JSON.stringify(junkValue(random));
}

function junkSegment(random: Random): string {
  const raw = pick(random, [...STRINGS.filter((value) => value !== ''), 'list', '00000000-0000-0000-0000-000000000000', 'drone-system', 'code-sandbox']);
  const encoded = pick(random, ['%ED%A0%80', '%00', '%zz', '%C0%AF']);
  if (random() < 0.25) return encoded;
  try {
    return encodeURIComponent(raw).slice(0, 300);
  } catch {
    return encoded; // a lone surrogate has no UTF-8 percent-encoding
  }
}

interface Call {
  readonly method: string;
  readonly path: string;
  readonly body?: string;
  readonly contentType?: string;
  readonly graphql: boolean;
  readonly authenticated: boolean;
  /** For a docs document (tag `docs`): the media types its success may carry instead of the envelope. */
  readonly documentTypes?: readonly string[];
}

function graphqlCall(random: Random): Call {
  const documents = ['{ me { id } }', '{', 'query A { me { id } } query B { me { id } }', 'mutation { createApiKey(input: { name: "\\u0000" }) { apiKey } }', '{ myUsage(filter: { since: "x" }) { since } }', `{ ${'a { '.repeat(60)} }`, 'subscription { apiKeyChanged { kind } }', 'query($s: DateTime) { myUsage(filter: { since: $s }) { since } }', '{ modules { slug } }', 'mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { apiKey } }', '{ __schema { types { name } } }'];
  const payload: Record<string, unknown> = { query: random() < 0.1 ? junkValue(random) : pick(random, documents) };
  if (random() < 0.7) payload['variables'] = random() < 0.5 ? { s: junkValue(random), i: junkValue(random) } : junkValue(random);
  if (random() < 0.3) payload['operationName'] = junkValue(random);
  if (random() < 0.2) payload['extensions'] = random() < 0.5 ? { persistedQuery: { version: junkValue(random), sha256Hash: junkValue(random) } } : junkValue(random);
  const body = random() < 0.15 ? junkBody(random) : JSON.stringify(payload);
  return { method: 'POST', path: '/graphql', body, contentType: pick(random, ['application/json', 'application/json', 'text/plain', 'application/graphql-response+json']), graphql: true, authenticated: random() < 0.6 };
}

function restCall(random: Random, routes: ReadonlyArray<{ method: string; path: string; documentTypes?: readonly string[] }>): Call {
  const route = pick(random, routes);
  const path = route.path.replace(/\{(\w+)\}/g, () => junkSegment(random));
  const query = random() < 0.3 ? `?${pick(random, ['page', 'per_page', 'since', 'category', 'limit'])}=${junkSegment(random)}` : '';
  const hasBody = route.method !== 'GET' && route.method !== 'DELETE' && random() < 0.9;
  return {
    method: route.method,
    path: `${path}${query}`,
    ...(hasBody ? { body: junkBody(random), contentType: pick(random, ['application/json', 'application/json', 'text/plain', 'multipart/form-data; boundary=x']) } : {}),
    graphql: false,
    authenticated: random() < 0.7,
    ...(route.documentTypes ? { documentTypes: route.documentTypes } : {}),
  };
}

const isEnvelope = (body: any): boolean =>
  body !== null && typeof body === 'object' && typeof body.success === 'boolean' && typeof body.request_id === 'string' && typeof body.timestamp === 'string' &&
  (body.success ? 'data' in body : typeof body.error === 'string' && typeof body.error_code === 'string');
const isGraphQLShape = (body: any): boolean =>
  body !== null && typeof body === 'object' && ('data' in body || (Array.isArray(body.errors) && body.errors.every((error: any) => typeof error.message === 'string' && typeof error.extensions?.code === 'string')));

describe('malformed input fuzz', () => {
  let gateway: RunningGateway;
  let upstream: TestUpstream;
  let aivillage: AIVillageUpstream;
  let token: string;

  beforeAll(async () => {
    upstream = await startHealthyUpstream();
    aivillage = await startAIVillageUpstream();
    gateway = await startTestGateway({
      RATE_LIMITS: 'free=1000000/1000000,admin=1000000/1000000',
      MODULE_UPSTREAMS: MODULE_SLUGS.map((slug) => `${slug}=${upstream.url}`).join(','),
      V1_UPSTREAMS: ['agent-forge', 'p2p-fog', 'knowledge'].map((name) => `${name}=${aivillage.url}`).join(','),
    });
    ({ token } = await login(gateway.url, ADMIN.email, ADMIN.password));
  }, 60_000);
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
    await aivillage?.close();
  });

  it(`answers ${INPUTS} malformed inputs without a 5xx, each in its documented shape`, async () => {
    type Operation = { tags: string[]; responses: Record<string, { content?: Record<string, unknown> }> };
    const document = (await (await fetch(`${gateway.url}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, Operation>> };
    const routes = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map(([method, operation]) => ({
          method: method.toUpperCase(),
          path,
          // Docs documents (a Postman collection, code examples, the status page) are not envelopes when they succeed.
          ...(operation.tags.includes('docs') ? { documentTypes: Object.keys(operation.responses['200']?.content ?? {}) } : {}),
        })),
    );
    expect(routes.length).toBeGreaterThan(20);
    const random = prng(SEED);
    const calls = Array.from({ length: INPUTS }, () => (random() < 0.35 ? graphqlCall(random) : restCall(random, routes)));
    // Logout would end the session the rest of the run uses.
    const runnable = calls.filter((call) => !call.path.startsWith('/auth/logout') && !(call.body ?? '').includes('logout'));

    const problems: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < runnable.length) {
        const call = runnable[next++] as Call;
        const headers: Record<string, string> = {};
        if (call.contentType) headers['content-type'] = call.contentType;
        if (call.authenticated) headers['authorization'] = `Bearer ${token}`;
        const response = await fetch(`${gateway.url}${call.path}`, { method: call.method, headers, ...(call.body === undefined ? {} : { body: call.body }) });
        const text = await response.text();
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        const documentType = response.headers.get('content-type')?.split(';')[0] ?? '';
        const documented = response.status === 200 && text.length > 0 && (call.documentTypes?.includes(documentType) ?? false);
        const shaped = call.graphql ? isGraphQLShape(body) || isEnvelope(body) : isEnvelope(body) || documented;
        if (response.status >= 500 || !shaped) problems.push(`${response.status} ${call.method} ${call.path.slice(0, 80)} ${String(call.body).slice(0, 80)} -> ${text.slice(0, 160)}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(runnable.length).toBeGreaterThanOrEqual(5_000);
    expect(problems.slice(0, 20)).toEqual([]);
  }, 120_000);
});
