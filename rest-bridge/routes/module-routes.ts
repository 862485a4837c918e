import { z } from 'zod';
import { findModule, moduleFieldName, MODULE_CATALOG } from '../../schema/modules.ts';
import { upstreamStatusError } from '../../core/errors/upstream-errors.ts';
import { contractCodeOf } from '../../core/errors/errors.ts';
import { listOf, ok, route, type BridgeInput, type BridgeMethod, type BridgeRoute } from '../bridge-route.ts';

const moduleSchema = z.object({
  slug: z.string(),
  name: z.string(),
  category: z.string(),
  tier: z.enum(['free', 'pro', 'enterprise', 'admin']),
  endpoint: z.string(),
  status: z.enum(['up', 'down', 'unconfigured']),
  accessible: z.boolean(),
});

/** GET goes through the module's query side, writes through its mutation side (see module-type-defs.ts). */
function proxyOperation(method: BridgeMethod, input: BridgeInput) {
  const slug = input.params['module_name'] ?? '';
  const entry = findModule(slug);
  if (!entry) return { kind: 'error' as const, code: 'RESOURCE_NOT_FOUND' as const, message: `Module '${slug}' not found` };
  const field = moduleFieldName(entry.slug);
  const path = `/${input.params['path'] ?? ''}`;
  const query = Object.keys(input.query).length > 0 ? input.query : null;
  if (method === 'GET') {
    return {
      document: `query RestModuleGet($path: String!, $query: JSON) { ${field} { request(path: $path, query: $query) { status headers body } } }`,
      variables: { path, query },
    };
  }
  return {
    document: `mutation RestModuleWrite($method: ModuleWriteMethod!, $path: String!, $query: JSON, $body: JSON) { ${field} { request(method: $method, path: $path, query: $query, body: $body) { status headers body } } }`,
    variables: { method, path, query, body: input.body ?? null },
  };
}

/** The upstream's own status travels back; a failure becomes the contract error closest to it. */
function proxyResult(data: Record<string, any>, input: BridgeInput) {
  const slug = input.params['module_name'] ?? '';
  const answer = data[moduleFieldName(slug)]?.request as { status: number; body: unknown };
  if (answer.status >= 400) {
    const error = upstreamStatusError(`Module '${slug}'`, answer.status, answer.body);
    return { kind: 'error' as const, code: contractCodeOf(error) ?? 'SERVICE_UNAVAILABLE', message: error.message };
  }
  return ok(answer.body ?? null, answer.status);
}

const PROXY_METHODS: readonly BridgeMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** The module catalog and the proxy to each module's upstream (seed 001). */
export const MODULE_ROUTES: readonly BridgeRoute[] = [
  route({
    method: 'GET',
    path: '/modules',
    tag: 'modules',
    summary: `The ${MODULE_CATALOG.length} modules with tier, endpoint and status`,
    query: z.object({ category: z.string().optional() }),
    response: z.object({ total: z.number().int(), items: z.array(moduleSchema) }),
    operation: ({ query }) => ({
      document: 'query RestModules($category: String) { modules(category: $category) { slug name category tier endpoint status accessible } }',
      variables: { category: query.category ?? null },
    }),
    result: ({ modules }) => listOf(modules),
  }),
  ...PROXY_METHODS.map((method) =>
    route({
      method,
      path: '/modules/{module_name}/{path...}',
      tag: 'modules',
      summary: `${method} on the module's upstream at {path}, gated by the module's tier`,
      description: `The module's minimum tier is checked first (403 names it; an unknown module is 404). The query string${method === 'GET' || method === 'DELETE' ? '' : ' and the JSON body'} go to the module's upstream as they came, with the signed X-Gateway-Principal. The upstream's own success status is kept (201, 202, …) with its body as \`data\`; an upstream 4xx becomes the contract error closest to it, and an upstream that is down, unconfigured or times out is 503.`,
      // Any JSON a module accepts; its upstream validates it.
      ...(method === 'GET' || method === 'DELETE' ? {} : { body: z.unknown().describe("Any JSON the module's upstream accepts, passed on unchanged") }),
      response: z.unknown().describe("The module upstream's JSON answer, unchanged (null when it sent no body): the gateway does not know a module's API"),
      operation: (input) => proxyOperation(method, input),
      result: proxyResult,
    }),
  ),
];
