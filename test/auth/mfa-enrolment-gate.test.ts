import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { createApiKey, registerAndLogin } from '../support/account-flows.ts';
import { rawRequest, startTestBackend, type TestBackend } from '../support/backend-servers.ts';
import { ADMIN, startTestGateway } from '../support/gateway-harness.ts';
import { firstErrorCode, graphql, jsonOf } from '../support/graphql-client.ts';
import { claimsOf, confirmMfa, inMiddleOfStep, refresh, signIn, signInWithCode } from '../support/session-flows.ts';
import { connectSubscriber, wsUrlOf } from '../support/subscription-client.ts';
import { totpCode } from '../support/totp-codes.ts';

const SET_TIER = 'mutation($id: ID!, $tier: Tier!) { setUserTier(userId: $id, tier: $tier) { tier } }';
const REASON = 'MFA_ENROLMENT_REQUIRED';

/** The close code the gateway ended a WebSocket with (or the HTTP status it refused the upgrade with). */
function wsOutcome(url: string, headers: Record<string, string>): Promise<{ closeCode?: number; status?: number }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers });
    socket.once('unexpected-response', (_request, response) => {
      resolve({ status: response.statusCode ?? 0 });
      response.resume();
      socket.terminate();
    });
    socket.once('close', (code) => resolve({ closeCode: code }));
    socket.once('error', () => undefined);
  });
}

describe('REQUIRE_MFA makes the second factor mandatory: a covered user without one can only enrol', () => {
  let backend: TestBackend;
  let backendSockets: WebSocketServer;
  let backendSocketsSeen = 0;
  let gateway: RunningGateway;
  let adminSecret = '';

  beforeAll(async () => {
    backend = await startTestBackend();
    backendSockets = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    backendSockets.on('connection', () => (backendSocketsSeen += 1));
    await new Promise((resolve) => backendSockets.once('listening', resolve));
    const wsPort = (backendSockets.address() as AddressInfo).port;
    gateway = await startTestGateway({ REQUIRE_MFA: 'admin', BACKEND_ROUTES: `/api/v1/*=${backend.url}`, BACKEND_WS_URL: `ws://127.0.0.1:${wsPort}` });
  }, 120_000);
  afterAll(async () => {
    await gateway?.close();
    await backend?.close();
    await new Promise((resolve) => (backendSockets ? backendSockets.close(resolve) : resolve(undefined)));
  });

  it("a password sign-in answers a token that reads the account and enrols, and nothing else: GraphQL, REST, /v1, the backend and WebSockets answer 403 MFA_ENROLMENT_REQUIRED", async () => {
    const target = await registerAndLogin(gateway.url, 'target@gate.test');
    const session = await signIn(gateway.url, ADMIN.email, ADMIN.password);
    expect(session.mfaEnrolmentRequired).toBe(true);
    const token = session.accessToken!;
    const auth = { authorization: `Bearer ${token}` };

    // The allow-list: the account's own fields, the credential, enrolment.
    const me = await graphql(gateway.url, '{ me { id email tier scopes createdAt __typename } verify { valid kind tier } }', {}, { token });
    expect(me.errors).toBeUndefined();
    expect(me.data?.me.email).toBe(ADMIN.email);
    const verify = await jsonOf(fetch(`${gateway.url}/auth/verify`, { method: 'POST', headers: auth }));
    expect(verify).toMatchObject({ success: true, data: { valid: true } });

    // Everything else, whatever the door.
    for (const [query, variables] of [
      ['query($id: ID!) { user(id: $id) { id } }', { id: target.userId }],
      ['{ me { id apiKeys { name } } }', {}],
      ['{ modules { slug } }', {}],
      ['mutation { createApiKey(input: { name: "sneaky" }) { apiKey } }', {}],
      [SET_TIER, { id: target.userId, tier: 'pro' }],
    ] as const) {
      const refused = await graphql(gateway.url, query, variables, { token });
      expect(refused.status, query).toBe(403);
      expect(firstErrorCode(refused), query).toBe('INSUFFICIENT_PERMISSIONS');
      expect(refused.errors?.[0]?.extensions?.['reason'], query).toBe(REASON);
      expect(refused.data ?? null, query).toBeNull();
    }
    expect((await graphql(gateway.url, '{ apiKeys { id } }', {}, { token })).data).toBeUndefined();

    for (const [method, path] of [
      ['GET', '/api-keys/list'],
      ['GET', '/modules'],
      ['GET', '/v1/models'],
      ['GET', '/analytics/usage'],
      ['GET', '/api/v1/webhooks'],
    ] as const) {
      const response = await fetch(`${gateway.url}${path}`, { method, headers: auth });
      expect(response.status, path).toBe(403);
      expect(await response.json(), path).toMatchObject({ success: false, error_code: 'INSUFFICIENT_PERMISSIONS', reason: REASON });
    }

    const upload = new FormData();
    upload.set('file', new Blob(['secret plans']), 'plans.txt');
    const uploaded = await fetch(`${gateway.url}/v1/upload`, { method: 'POST', headers: auth, body: upload });
    expect(uploaded.status).toBe(403);
    expect(((await uploaded.json()) as { reason?: string }).reason).toBe(REASON);

    const seenBefore = backend.seen.length;
    const proxied = await rawRequest(`${gateway.url}/api/v1/blocks`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"x":1}' });
    expect(proxied.status).toBe(403);
    expect(JSON.parse(proxied.body.toString('utf8'))).toMatchObject({ error_code: 'INSUFFICIENT_PERMISSIONS', reason: REASON });
    expect(backend.seen.length).toBe(seenBefore);

    const subscriber = connectSubscriber(gateway.url, { authorization: `Bearer ${token}` });
    subscriber.subscribe('subscription { trainingJobUpdated { __typename } }');
    expect((await subscriber.closed).code).toBe(4403);
    expect(await wsOutcome(wsUrlOf(gateway.url, '/ws'), auth)).toEqual({ closeCode: 4403 });
    expect(await wsOutcome(wsUrlOf(gateway.url, '/ws/backend'), auth)).toEqual({ status: 403 });
    expect(backendSocketsSeen).toBe(0);

    // Nor does the password alone read more anonymously: the sign-in's own answer shows the account, not its keys.
    const anonymous = await graphql(gateway.url, 'mutation($input: LoginInput!) { login(input: $input) { user { email apiKeys { name } } } }', { input: { email: ADMIN.email, password: ADMIN.password } });
    expect((anonymous.errors?.[0] as { path?: unknown } | undefined)?.path).toEqual(['login', 'user', 'apiKeys']);
    expect(anonymous.data?.login?.user).toEqual({ email: ADMIN.email, apiKeys: null });
    const own = await graphql(gateway.url, 'mutation($input: LoginInput!) { login(input: $input) { user { email tier } } }', { input: { email: ADMIN.email, password: ADMIN.password } });
    expect(own.data?.login.user).toEqual({ email: ADMIN.email, tier: 'admin' });

    // Nothing was changed by the refused calls.
    const targetNow = await graphql(gateway.url, '{ me { tier } }', {}, { token: target.token });
    expect(targetNow.data?.me.tier).toBe('free');
  });

  it('the limited token refreshes (into another limited token), enrols and confirms; the sign-in with a code then has the full account', async () => {
    await inMiddleOfStep();
    const session = await signIn(gateway.url, ADMIN.email, ADMIN.password);
    const refreshed = (await refresh(gateway.url, session.refreshToken!, { token: session.accessToken! })).data!.refreshToken;
    expect(refreshed.mfaEnrolmentRequired).toBe(true);
    const token = refreshed.accessToken!;
    expect((await graphql(gateway.url, '{ modules { slug } }', {}, { token })).status).toBe(403);

    // REST enrolment with the limited token.
    const enrolment = await jsonOf(fetch(`${gateway.url}/auth/mfa/enrol`, { method: 'POST', headers: { authorization: `Bearer ${token}` } }));
    expect(enrolment.success).toBe(true);
    const secret = enrolment.data.secret as string;
    adminSecret = secret;
    const confirmed = await confirmMfa(gateway.url, token, totpCode(secret, Date.now() - 30_000));
    expect(confirmed.errors).toBeUndefined();

    const verified = await signInWithCode(gateway.url, ADMIN.email, totpCode(secret), ADMIN.password);
    expect(claimsOf(verified.accessToken!)).toMatchObject({ mfa_verified: true });
    const modules = await graphql(gateway.url, '{ modules { slug } }', {}, { token: verified.accessToken! });
    expect(modules.status).toBe(200);
    expect(modules.data?.modules.length).toBe(30);
  });

  it('a user newly covered (promoted to admin) is limited from its next sign-in on, while the API key it made before keeps working', async () => {
    const user = await registerAndLogin(gateway.url, 'promoted@gate.test');
    const key = await createApiKey(gateway.url, user.token, { name: 'made before the promotion' });
    // The admin enrolled in the previous test; the next step's code is one it has not used.
    const admin = await signInWithCode(gateway.url, ADMIN.email, totpCode(adminSecret, Date.now() + 30_000), ADMIN.password);
    expect((await graphql(gateway.url, SET_TIER, { id: user.userId, tier: 'admin' }, { token: admin.accessToken! })).data?.setUserTier.tier).toBe('admin');

    const limited = await signIn(gateway.url, 'promoted@gate.test');
    expect(limited.mfaEnrolmentRequired).toBe(true);
    const refused = await graphql(gateway.url, '{ apiKeys { id } }', {}, { token: limited.accessToken! });
    expect(refused.errors?.[0]?.extensions?.['reason']).toBe(REASON);
    // The key is a credential of its own (made by a signed-in owner, shown once, never recoverable with the password).
    const byKey = await graphql(gateway.url, '{ apiKeys { id } }', {}, { apiKey: key.apiKey });
    expect(byKey.errors).toBeUndefined();
    expect(byKey.data?.apiKeys.map((k: { id: string }) => k.id)).toContain(key.id);
  });
});
