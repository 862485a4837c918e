import { z } from 'zod';
import { tierInput as tier } from '../../schema/tier-input.ts';
import { listOf, ok, pageOf, route, type BridgeRoute } from '../bridge-route.ts';
import { API_KEY_FIELDS, apiKeyOf, apiKeySchema, createdKeySchema } from './api-key-shape.ts';

const CREATE = `mutation RestCreateApiKey($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey key { ${API_KEY_FIELDS} } } }`;
const LIST = `query RestListApiKeys { apiKeys(includeRevoked: true) { ${API_KEY_FIELDS} } }`;
const REVOKE = `mutation RestRevokeApiKey($id: ID!) { revokeApiKey(id: $id) { ${API_KEY_FIELDS} } }`;

const created = ({ createApiKey }: Record<string, any>) => ok({ api_key: createApiKey.apiKey, ...apiKeyOf(createApiKey.key) }, 201, 'Store the key now: it is not shown again');
const pagination = z.object({
  page: z.coerce.number().int().min(1).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(20),
});

/** Key management: 100X's `/api-keys/*` (seed 001) and the UBP's `/api/v1/api-keys*` (seed 003). */
export const API_KEY_ROUTES: readonly BridgeRoute[] = [
  route({
    method: 'POST',
    path: '/api-keys/create',
    tag: 'api-keys',
    summary: 'Create an API key (shown once)',
    body: z.object({ name: z.string().min(1), tier: tier.optional(), expires_days: z.number().int().positive().optional() }),
    response: createdKeySchema,
    successStatus: 201,
    operation: ({ body }) => ({ document: CREATE, variables: { input: { name: body.name, tier: body.tier, expiresInDays: body.expires_days } } }),
    result: created,
  }),
  route({
    method: 'GET',
    path: '/api-keys/list',
    tag: 'api-keys',
    summary: "The caller's keys, newest first",
    response: z.object({ total: z.number().int(), items: z.array(apiKeySchema) }),
    operation: () => ({ document: LIST, variables: {} }),
    result: ({ apiKeys }) => listOf(apiKeys.map(apiKeyOf)),
  }),
  route({
    method: 'DELETE',
    path: '/api-keys/{api_key}',
    tag: 'api-keys',
    summary: 'Revoke a key, named by the key itself or its id',
    response: apiKeySchema,
    operation: ({ params }) => ({ document: REVOKE, variables: { id: params['api_key'] } }),
    result: ({ revokeApiKey }) => ok(apiKeyOf(revokeApiKey), 200, 'API key revoked'),
  }),
  route({
    method: 'POST',
    path: '/api/v1/api-keys',
    tag: 'ubp',
    summary: 'Create an API key (shown once)',
    body: z.object({
      name: z.string().min(1),
      tier: tier.optional(),
      scopes: z.array(z.string()).optional(),
      expires_in_days: z.number().int().positive().optional(),
      limit_per_minute: z.number().int().positive().optional(),
      limit_per_hour: z.number().int().positive().optional(),
    }),
    response: createdKeySchema,
    successStatus: 201,
    operation: ({ body }) => ({
      document: CREATE,
      variables: {
        input: {
          name: body.name,
          tier: body.tier,
          scopes: body.scopes,
          expiresInDays: body.expires_in_days,
          limitPerMinute: body.limit_per_minute,
          limitPerHour: body.limit_per_hour,
        },
      },
    }),
    result: created,
  }),
  route({
    method: 'GET',
    path: '/api/v1/api-keys',
    tag: 'ubp',
    summary: "The caller's keys, a page at a time",
    query: pagination,
    response: z.object({
      total: z.number().int(),
      items: z.array(apiKeySchema),
      page: z.number().int(),
      per_page: z.number().int(),
      total_pages: z.number().int(),
    }),
    operation: () => ({ document: LIST, variables: {} }),
    result: ({ apiKeys }, { query }) => pageOf(apiKeys.map(apiKeyOf), query.page, query.per_page),
  }),
  route({
    method: 'GET',
    path: '/api/v1/api-keys/{id}',
    tag: 'ubp',
    summary: 'One of the caller’s keys',
    response: apiKeySchema,
    operation: ({ params }) => ({ document: `query RestGetApiKey($id: ID!) { apiKey(id: $id) { ${API_KEY_FIELDS} } }`, variables: { id: params['id'] } }),
    result: ({ apiKey }, { params }) => (apiKey ? apiKeyOf(apiKey) : { kind: 'error', code: 'RESOURCE_NOT_FOUND', message: `API key '${params['id']}' not found` }),
  }),
  route({
    method: 'PUT',
    path: '/api/v1/api-keys/{id}',
    tag: 'ubp',
    summary: "Set a key's own limits (pro and above); null restores the tier's",
    body: z.object({ limit_per_minute: z.number().int().positive().nullable().optional(), limit_per_hour: z.number().int().positive().nullable().optional() }),
    response: apiKeySchema,
    operation: ({ params, body }) => ({
      document: `mutation RestUpdateApiKey($id: ID!, $perMinute: Int, $perHour: Int) { updateApiKeyLimits(id: $id, limitPerMinute: $perMinute, limitPerHour: $perHour) { ${API_KEY_FIELDS} } }`,
      variables: { id: params['id'], perMinute: body.limit_per_minute ?? null, perHour: body.limit_per_hour ?? null },
    }),
    result: ({ updateApiKeyLimits }) => ok(apiKeyOf(updateApiKeyLimits), 200, 'API key updated'),
  }),
  route({
    method: 'DELETE',
    path: '/api/v1/api-keys/{id}',
    tag: 'ubp',
    summary: 'Revoke a key',
    response: apiKeySchema,
    operation: ({ params }) => ({ document: REVOKE, variables: { id: params['id'] } }),
    result: ({ revokeApiKey }) => ok(apiKeyOf(revokeApiKey), 200, 'API key revoked'),
  }),
];
