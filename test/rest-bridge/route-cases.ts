import type { BridgeContext } from './bridge-context.ts';
import { totpCode } from '../support/totp-codes.ts';
import { dataOf, freshSignIn, mfaAccount, PASSWORD } from './auth-route-flows.ts';

/**
 * One valid and one bad request for every route of the bridge, keyed
 * `METHOD path` as in the route table. The contract suite fails for a route
 * without a case here.
 */
export interface RouteCase {
  readonly valid: (context: BridgeContext) => Promise<Response>;
  /** The success status when it is not the route's own (a module's upstream decides). */
  readonly validStatus?: number;
  readonly bad: (context: BridgeContext) => Promise<Response>;
  readonly badStatus: number;
  readonly badCode: string;
  /** Part of the error text, when the contract fixes it. */
  readonly badError?: string;
}

let counter = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${(counter += 1)}`;

const newKey = async (context: BridgeContext): Promise<{ api_key: string; key_id: string }> => {
  const response = await context.call('POST', '/api-keys/create', { token: context.pro.token, body: { name: unique('key') } });
  return ((await response.json()) as { data: { api_key: string; key_id: string } }).data;
};

const startJob = async (context: BridgeContext): Promise<string> => {
  const response = await context.call('POST', '/v1/models/train', { token: context.free.token, body: { phase_name: 'cognate' } });
  return ((await response.json()) as { data: { job_id: string } }).data.job_id;
};

// Only test events go to this address, and none are sent: nothing is delivered during the suite.
const newWebhook = async (context: BridgeContext): Promise<string> => {
  const response = await context.call('POST', '/api/v1/webhooks', { token: context.pro.token, body: { url: 'http://127.0.0.1:9/hook', events: ['webhook.test'] } });
  return ((await response.json()) as { data: { webhook_id: string } }).data.webhook_id;
};

// It listens to tier changes, which the suite makes none of after start-up; run, its `logout` would end only the run's own token.
const newAutomation = async (context: BridgeContext): Promise<string> => {
  const response = await context.call('POST', '/api/v1/automations', {
    token: context.pro.token,
    body: { name: unique('automation'), event_type: 'user.tier_changed', action: { mutation: 'mutation { logout }' } },
  });
  return ((await response.json()) as { data: { automation_id: string } }).data.automation_id;
};

/** A bulk import whose every row fails (revoking keys that do not exist), as the pro user. */
const newFailingImport = async (context: BridgeContext, rows: number): Promise<string> => {
  const form = new FormData();
  form.append('mutation', 'revokeApiKey');
  form.append('mapping', JSON.stringify({ id: 'id' }));
  const lines = Array.from({ length: rows }, (_, index) => `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`);
  form.append('file', new Blob([`id\n${lines.join('\n')}\n`]), 'keys.csv');
  const response = await fetch(`${context.gateway.url}/api/v1/bulk/import`, { method: 'POST', headers: { authorization: `Bearer ${context.pro.token}` }, body: form });
  return ((await response.json()) as { data: { operation_id: string } }).data.operation_id;
};

const bulkStatus = async (context: BridgeContext, id: string): Promise<string> =>
  ((await (await context.call('GET', `/api/v1/bulk/operations/${id}`, { token: context.pro.token })).json()) as { data: { status: string } }).data.status;

const finishedImport = async (context: BridgeContext): Promise<string> => {
  const id = await newFailingImport(context, 2);
  for (let tries = 0; tries < 300 && !['completed', 'failed'].includes(await bulkStatus(context, id)); tries += 1) await new Promise((resolve) => setTimeout(resolve, 100));
  return id;
};

const newExport = async (context: BridgeContext): Promise<string> => {
  const response = await context.call('POST', '/api/v1/bulk/export', { token: context.pro.token, body: { query: '{ me { id email } }', format: 'jsonl' } });
  return ((await response.json()) as { data: { operation_id: string } }).data.operation_id;
};

const moduleCase = (method: string): RouteCase => ({
  valid: (context) =>
    context.call(method, '/modules/code-sandbox/projects/42?lang=py', {
      token: context.free.token,
      ...(method === 'GET' || method === 'DELETE' ? {} : { body: { name: 'demo' } }),
    }),
  validStatus: 200,
  bad: (context) => context.call(method, '/modules/drone-system/missions', { token: context.free.token, ...(method === 'GET' || method === 'DELETE' ? {} : { body: {} }) }),
  badStatus: 403,
  badCode: 'INSUFFICIENT_PERMISSIONS',
  badError: "Module 'drone-system' requires 'enterprise' tier. Your tier: 'free'",
});

export const ROUTE_CASES: Readonly<Record<string, RouteCase>> = {
  'POST /auth/register': {
    valid: (context) => context.call('POST', '/auth/register', { body: { email: `${unique('new')}@bridge.test`, password: 'correct horse battery' } }),
    bad: (context) => context.call('POST', '/auth/register', { body: { email: 'no-password@bridge.test' } }),
    badStatus: 400,
    badCode: 'VALIDATION_ERROR',
    badError: "Missing required field 'password'",
  },
  'POST /auth/login': {
    valid: (context) => context.call('POST', '/auth/login', { body: { email: 'free@bridge.test', password: 'correct horse battery' } }),
    bad: (context) => context.call('POST', '/auth/login', { rawBody: '{"email": ', headers: { 'content-type': 'application/json' } }),
    badStatus: 400,
    badCode: 'VALIDATION_ERROR',
    badError: 'Malformed JSON in request body',
  },
  'POST /auth/verify': {
    valid: (context) => context.call('POST', '/auth/verify', { token: context.free.token }),
    bad: (context) => context.call('POST', '/auth/verify', { token: 'not-a-token' }),
    badStatus: 401,
    badCode: 'AUTHENTICATION_REQUIRED',
  },
  'POST /auth/logout': {
    valid: async (context) => {
      const login = await context.call('POST', '/auth/login', { body: { email: 'free@bridge.test', password: 'correct horse battery' } });
      const token = ((await login.json()) as { data: { access_token: string } }).data.access_token;
      return context.call('POST', '/auth/logout', { token });
    },
    bad: (context) => context.call('POST', '/auth/logout'),
    badStatus: 401,
    badCode: 'AUTHENTICATION_REQUIRED',
  },
  'POST /auth/refresh': {
    valid: async (context) => context.call('POST', '/auth/refresh', { body: { refresh_token: (await freshSignIn(context)).refresh } }),
    bad: (context) => context.call('POST', '/auth/refresh', { body: { refresh_token: 'rt_not-a-refresh-token' } }),
    badStatus: 401,
    badCode: 'AUTHENTICATION_REQUIRED',
    badError: 'Invalid refresh token',
  },
  'POST /auth/mfa/enrol': {
    valid: async (context) => context.call('POST', '/auth/mfa/enrol', { token: (await freshSignIn(context)).token }),
    bad: (context) => context.call('POST', '/auth/mfa/enrol'),
    badStatus: 401,
    badCode: 'AUTHENTICATION_REQUIRED',
  },
  'POST /auth/mfa/confirm': {
    valid: async (context) => {
      const account = await freshSignIn(context);
      const { secret } = await dataOf<{ secret: string }>(await context.call('POST', '/auth/mfa/enrol', { token: account.token }));
      return context.call('POST', '/auth/mfa/confirm', { token: account.token, body: { code: totpCode(secret) } });
    },
    bad: async (context) => context.call('POST', '/auth/mfa/confirm', { token: context.free.token, body: { code: '12' } }),
    badStatus: 400,
    badCode: 'VALIDATION_ERROR',
  },
  'POST /auth/mfa/disable': {
    valid: async (context) => {
      const account = await mfaAccount(context);
      return context.call('POST', '/auth/mfa/disable', { token: account.token, body: { code: account.recoveryCodes[0] } });
    },
    bad: (context) => context.call('POST', '/auth/mfa/disable', { token: context.free.token, body: { code: '123456' } }),
    badStatus: 400,
    badCode: 'VALIDATION_ERROR',
    badError: 'MFA is not enabled',
  },
  'POST /auth/mfa/verify': {
    valid: async (context) => {
      const account = await mfaAccount(context);
      const login = await dataOf<{ mfa_challenge: string }>(await context.call('POST', '/auth/login', { body: { email: account.email, password: PASSWORD } }));
      return context.call('POST', '/auth/mfa/verify', { body: { challenge: login.mfa_challenge, code: account.recoveryCodes[1] } });
    },
    bad: (context) => context.call('POST', '/auth/mfa/verify', { body: { challenge: 'mfa_expired-or-made-up', code: '123456' } }),
    badStatus: 401,
    badCode: 'AUTHENTICATION_REQUIRED',
    badError: 'Invalid MFA challenge',
  },
  'POST /api-keys/create': {
    valid: (context) => context.call('POST', '/api-keys/create', { token: context.free.token, body: { name: unique('key'), expires_days: 30 } }),
    bad: (context) => context.call('POST', '/api-keys/create', { token: context.free.token, body: { name: 'x', tier: 'enterprise' } }),
    badStatus: 403,
    badCode: 'INSUFFICIENT_PERMISSIONS',
  },
  'GET /api-keys/list': {
    valid: (context) => context.call('GET', '/api-keys/list', { token: context.pro.token }),
    bad: (context) => context.call('GET', '/api-keys/list'),
    badStatus: 401,
    badCode: 'AUTHENTICATION_REQUIRED',
  },
  'DELETE /api-keys/{api_key}': {
    valid: async (context) => context.call('DELETE', `/api-keys/${(await newKey(context)).api_key}`, { token: context.pro.token }),
    bad: async (context) => context.call('DELETE', `/api-keys/${(await newKey(context)).api_key}`, { token: context.free.token }),
    badStatus: 404,
    badCode: 'RESOURCE_NOT_FOUND',
    badError: 'API key not found',
  },
  'POST /api/v1/api-keys': {
    valid: (context) => context.call('POST', '/api/v1/api-keys', { token: context.pro.token, body: { name: unique('ubp'), limit_per_minute: 10 } }),
    bad: (context) => context.call('POST', '/api/v1/api-keys', { token: context.pro.token, body: { name: 'x', limit_per_minute: 'ten' } }),
    badStatus: 400,
    badCode: 'VALIDATION_ERROR',
    badError: "'limit_per_minute'",
  },
  'GET /api/v1/api-keys': {
    valid: (context) => context.call('GET', '/api/v1/api-keys?page=1&per_page=2', { token: context.pro.token }),
    bad: (context) => context.call('GET', '/api/v1/api-keys?per_page=1000', { token: context.pro.token }),
    badStatus: 400,
    badCode: 'VALIDATION_ERROR',
    badError: "'per_page'",
  },
  'GET /api/v1/api-keys/{id}': {
    valid: async (context) => context.call('GET', `/api/v1/api-keys/${(await newKey(context)).key_id}`, { token: context.pro.token }),
    bad: async (context) => context.call('GET', `/api/v1/api-keys/${(await newKey(context)).key_id}`, { token: context.free.token }),
    badStatus: 404,
    badCode: 'RESOURCE_NOT_FOUND',
  },
  'PUT /api/v1/api-keys/{id}': {
    valid: async (context) => context.call('PUT', `/api/v1/api-keys/${(await newKey(context)).key_id}`, { token: context.pro.token, body: { limit_per_minute: 5 } }),
    bad: async (context) =>
      context.call('PUT', `/api/v1/api-keys/${(await newKey(context)).key_id}`, { token: context.pro.token, body: { limit_per_minute: 5 }, headers: { 'content-type': 'text/plain' } }),
    badStatus: 400,
    badCode: 'VALIDATION_ERROR',
    badError: "Expected Content-Type 'application/json'",
  },
  'DELETE /api/v1/api-keys/{id}': {
    valid: async (context) => context.call('DELETE', `/api/v1/api-keys/${(await newKey(context)).key_id}`, { token: context.pro.token }),
    bad: (context) => context.call('DELETE', '/api/v1/api-keys/not-a-key', { token: context.pro.token }),
    badStatus: 400,
    badCode: 'VALIDATION_ERROR',
  },
  'GET /modules': {
    valid: (context) => context.call('GET', '/modules', { token: context.free.token }),
    bad: (context) => context.call('GET', '/modules'),
    badStatus: 401,
    badCode: 'AUTHENTICATION_REQUIRED',
  },
  'GET /modules/{module_name}/{path...}': {
    ...moduleCase('GET'),
    bad: (context) => context.call('GET', '/modules/no-such-module/x', { token: context.free.token }),
    badStatus: 404,
    badCode: 'RESOURCE_NOT_FOUND',
    badError: "Module 'no-such-module' not found",
  },
  'POST /modules/{module_name}/{path...}': moduleCase('POST'),
  'PUT /modules/{module_name}/{path...}': moduleCase('PUT'),
  'PATCH /modules/{module_name}/{path...}': moduleCase('PATCH'),
  'DELETE /modules/{module_name}/{path...}': moduleCase('DELETE'),
  'POST /v1/models/train': {
    valid: (context) => context.call('POST', '/v1/models/train', { token: context.free.token, body: { phase_name: 'cognate', real_training: true, max_steps: 2000, batch_size: 2 } }),
    bad: (context) => context.call('POST', '/v1/models/train', { token: context.free.token, body: { phase_name: 'cognate', max_steps: -1 } }),
    badStatus: 400,
    badCode: 'VALIDATION_ERROR',
    badError: "'maxSteps'",
  },
  'GET /v1/models/train/{job_id}': {
    valid: async (context) => context.call('GET', `/v1/models/train/${await startJob(context)}`, { token: context.free.token }),
    bad: async (context) => context.call('GET', `/v1/models/train/${await startJob(context)}`, { token: context.pro.token }),
    badStatus: 404,
    badCode: 'RESOURCE_NOT_FOUND',
  },
  'GET /v1/models': {
    valid: (context) => context.call('GET', '/v1/models', { token: context.free.token }),
    bad: (context) => context.call('GET', '/v1/models'),
    badStatus: 401,
    badCode: 'AUTHENTICATION_REQUIRED',
  },
  'POST /v1/chat': {
    valid: (context) => context.call('POST', '/v1/chat', { token: context.free.token, body: { model_id: 'cognate-model-123', message: 'Hello', conversation_id: 'conv-456' } }),
    bad: (context) => context.call('POST', '/v1/chat', { token: context.free.token, body: { model_id: 'cognate-model-123' } }),
    badStatus: 400,
    badCode: 'VALIDATION_ERROR',
    badError: "Missing required field 'message'",
  },
  'GET /v1/p2p/status': {
    valid: (context) => context.call('GET', '/v1/p2p/status', { token: context.free.token }),
    bad: (context) => context.call('GET', '/v1/p2p/status'),
    badStatus: 401,
    badCode: 'AUTHENTICATION_REQUIRED',
  },
  'GET /v1/fog/nodes': {
    valid: (context) => context.call('GET', '/v1/fog/nodes', { token: context.free.token }),
    bad: (context) => context.call('GET', '/v1/fog/nodes', { headers: { 'x-api-key': '100x_invalid' } }),
    badStatus: 401,
    badCode: 'AUTHENTICATION_REQUIRED',
  },
  'GET /v1/tokens': {
    valid: (context) => context.call('GET', '/v1/tokens', { token: context.free.token }),
    bad: (context) => context.call('GET', '/v1/tokens'),
    badStatus: 401,
    badCode: 'AUTHENTICATION_REQUIRED',
  },
  'POST /v1/query': {
    valid: (context) => context.call('POST', '/v1/query', { token: context.free.token, body: { query: 'fog', mode: 'hybrid' } }),
    bad: (context) => context.call('POST', '/v1/query', { token: context.free.token, body: { query: '' } }),
    badStatus: 400,
    badCode: 'VALIDATION_ERROR',
    badError: "'query'",
  },
  'POST /api/v1/webhooks': {
    valid: (context) => context.call('POST', '/api/v1/webhooks', { token: context.pro.token, body: { url: 'http://127.0.0.1:9/hook', events: ['webhook.test'], description: 'bridge' } }),
    bad: (context) => context.call('POST', '/api/v1/webhooks', { token: context.pro.token, body: { url: 'http://127.0.0.1:9/hook', events: ['no.such_event'] } }),
    badStatus: 400,
    badCode: 'VALIDATION_ERROR',
  },
  'GET /api/v1/webhooks': {
    valid: (context) => context.call('GET', '/api/v1/webhooks', { token: context.pro.token }),
    bad: (context) => context.call('GET', '/api/v1/webhooks'),
    badStatus: 401,
    badCode: 'AUTHENTICATION_REQUIRED',
  },
  'GET /api/v1/bulk/operations': {
    valid: (context) => context.call('GET', '/api/v1/bulk/operations?per_page=5', { token: context.pro.token }),
    bad: (context) => context.call('GET', '/api/v1/bulk/operations?status=bogus', { token: context.pro.token }),
    badStatus: 400,
    badCode: 'VALIDATION_ERROR',
  },
  'GET /api/v1/bulk/operations/{id}': {
    valid: async (context) => context.call('GET', `/api/v1/bulk/operations/${await newExport(context)}`, { token: context.pro.token }),
    // Someone else's job does not exist for the caller.
    bad: async (context) => context.call('GET', `/api/v1/bulk/operations/${await newExport(context)}`, { token: context.free.token }),
    badStatus: 404,
    badCode: 'RESOURCE_NOT_FOUND',
  },
  'POST /api/v1/bulk/operations/{id}/cancel': {
    valid: async (context) => context.call('POST', `/api/v1/bulk/operations/${await newFailingImport(context, 2000)}/cancel`, { token: context.pro.token }),
    bad: async (context) => context.call('POST', `/api/v1/bulk/operations/${await newExport(context)}/cancel`, { token: context.free.token }),
    badStatus: 404,
    badCode: 'RESOURCE_NOT_FOUND',
  },
  'POST /api/v1/bulk/operations/{id}/retry': {
    valid: async (context) => context.call('POST', `/api/v1/bulk/operations/${await finishedImport(context)}/retry`, { token: context.pro.token }),
    bad: async (context) => context.call('POST', `/api/v1/bulk/operations/${await newExport(context)}/retry`, { token: context.pro.token }),
    badStatus: 400,
    badCode: 'VALIDATION_ERROR',
  },
  'POST /api/v1/bulk/export': {
    valid: (context) => context.call('POST', '/api/v1/bulk/export', { token: context.pro.token, body: { query: '{ me { id } }', format: 'csv' } }),
    bad: (context) => context.call('POST', '/api/v1/bulk/export', { token: context.pro.token, body: { query: '{ me { id } }', format: 'pdf' } }),
    badStatus: 400,
    badCode: 'VALIDATION_ERROR',
  },
  'GET /api/v1/webhooks/{id}/deliveries': {
    valid: async (context) => context.call('GET', `/api/v1/webhooks/${await newWebhook(context)}/deliveries?per_page=5`, { token: context.pro.token }),
    bad: async (context) => context.call('GET', `/api/v1/webhooks/${await newWebhook(context)}/deliveries`, { token: context.free.token }),
    badStatus: 404,
    badCode: 'RESOURCE_NOT_FOUND',
  },
  'POST /api/v1/automations': {
    valid: (context) =>
      context.call('POST', '/api/v1/automations', {
        token: context.pro.token,
        body: { name: unique('automation'), event_type: 'user.tier_changed', condition: { tier: 'enterprise' }, delay_seconds: 60, action: { mutation: 'mutation { logout }' } },
      }),
    bad: (context) =>
      context.call('POST', '/api/v1/automations', { token: context.pro.token, body: { name: 'nope', event_type: 'no.such_event', action: { mutation: 'mutation { logout }' } } }),
    badStatus: 400,
    badCode: 'VALIDATION_ERROR',
    badError: "'trigger.eventType'",
  },
  'GET /api/v1/automations': {
    valid: (context) => context.call('GET', '/api/v1/automations', { token: context.pro.token }),
    bad: (context) => context.call('GET', '/api/v1/automations'),
    badStatus: 401,
    badCode: 'AUTHENTICATION_REQUIRED',
  },
  'GET /api/v1/automations/{id}': {
    valid: async (context) => context.call('GET', `/api/v1/automations/${await newAutomation(context)}`, { token: context.pro.token }),
    bad: async (context) => context.call('GET', `/api/v1/automations/${await newAutomation(context)}`, { token: context.free.token }),
    badStatus: 404,
    badCode: 'RESOURCE_NOT_FOUND',
  },
  'PUT /api/v1/automations/{id}': {
    valid: async (context) => context.call('PUT', `/api/v1/automations/${await newAutomation(context)}`, { token: context.pro.token, body: { name: 'renamed', enabled: false } }),
    bad: async (context) =>
      context.call('PUT', `/api/v1/automations/${await newAutomation(context)}`, { token: context.pro.token, body: { action: { mutation: 'mutation { noSuchField }' } } }),
    badStatus: 400,
    badCode: 'VALIDATION_ERROR',
    badError: "'action.mutation'",
  },
  'DELETE /api/v1/automations/{id}': {
    valid: async (context) => context.call('DELETE', `/api/v1/automations/${await newAutomation(context)}`, { token: context.pro.token }),
    bad: async (context) => context.call('DELETE', `/api/v1/automations/${await newAutomation(context)}`, { token: context.free.token }),
    badStatus: 404,
    badCode: 'RESOURCE_NOT_FOUND',
  },
  'GET /api/v1/automations/{id}/runs': {
    valid: async (context) => context.call('GET', `/api/v1/automations/${await newAutomation(context)}/runs?per_page=5`, { token: context.pro.token }),
    bad: async (context) => context.call('GET', `/api/v1/automations/${await newAutomation(context)}/runs?status=exploded`, { token: context.pro.token }),
    badStatus: 400,
    badCode: 'VALIDATION_ERROR',
  },
  'GET /analytics/usage': {
    valid: (context) => context.call('GET', '/analytics/usage', { token: context.pro.token }),
    bad: (context) => context.call('GET', '/analytics/usage?since=yesterday', { token: context.pro.token }),
    badStatus: 400,
    badCode: 'VALIDATION_ERROR',
    badError: "'since'",
  },
  'GET /api/v1/api-keys/{id}/usage': {
    valid: async (context) => context.call('GET', `/api/v1/api-keys/${(await newKey(context)).key_id}/usage`, { token: context.pro.token }),
    // The pro user's key, asked for by the free user: someone else's key reads as no key.
    bad: async (context) => context.call('GET', `/api/v1/api-keys/${(await newKey(context)).key_id}/usage`, { token: context.free.token }),
    badStatus: 404,
    badCode: 'RESOURCE_NOT_FOUND',
  },
  'GET /api/v1/docs/events': {
    valid: (context) => context.call('GET', '/api/v1/docs/events?webhook=true'),
    bad: (context) => context.call('GET', '/api/v1/docs/events?webhook=perhaps'),
    badStatus: 400,
    badCode: 'VALIDATION_ERROR',
  },
  'GET /api/v1/docs/scopes': {
    valid: (context) => context.call('GET', '/api/v1/docs/scopes?resource=keys'),
    bad: (context) => context.call('GET', '/api/v1/docs/scopes?resource=invoices'),
    badStatus: 400,
    badCode: 'VALIDATION_ERROR',
  },
  // The free user has no endpoints: the event is queued for nobody, and nothing is sent.
  'POST /api/v1/events/trigger': {
    valid: (context) => context.call('POST', '/api/v1/events/trigger', { token: context.free.token, body: { event_type: 'api_key.created' } }),
    bad: (context) => context.call('POST', '/api/v1/events/trigger', { token: context.free.token, body: { event_type: 'invoice.created' } }),
    badStatus: 400,
    badCode: 'VALIDATION_ERROR',
  },
};
