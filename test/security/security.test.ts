import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger.ts';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { internalTokens } from '../../core/identity/internal-token.ts';
import { startSubgraphServer, type RunningSubgraph } from '../../gateway/app/subgraph-server.ts';
import { createApiKey, login, registerAndLogin } from '../support/account-flows.ts';
import { ADMIN, startTestGateway, TEST_INTERNAL_SECRET, TEST_JWT_SECRET, testConfig } from '../support/gateway-harness.ts';
import { firstErrorCode, graphql, jsonOf } from '../support/graphql-client.ts';

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const secret = new TextEncoder().encode(TEST_JWT_SECRET);

function claimsFor(userId: string, overrides: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: userId,
    tier: 'admin',
    scopes: ['read:keys'],
    jti: 'forged',
    iat: now,
    exp: now + 600,
    iss: 'federation-gateway',
    aud: 'federation-gateway-api',
    ...overrides,
  };
}

describe('credentials the edge refuses (HS256)', () => {
  let gateway: RunningGateway;
  let user: { token: string; userId: string };

  beforeAll(async () => {
    gateway = await startTestGateway();
    user = await registerAndLogin(gateway.url, 'target@example.test');
  });
  afterAll(() => gateway?.close());

  const expectRefused = async (credentials: { token?: string; apiKey?: string }) => {
    const result = await graphql(gateway.url, '{ me { id tier } }', {}, credentials);
    expect(result.status).toBe(401);
    expect(firstErrorCode(result)).toBe('AUTHENTICATION_REQUIRED');
    expect(result.data ?? null).toBeNull();
    return result;
  };

  it('refuses a token whose signature was tampered with', async () => {
    const [header, payload, signature] = user.token.split('.') as [string, string, string];
    const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    await expectRefused({ token: `${header}.${payload}.${flipped}` });
  });

  it('refuses a token whose claims were edited (tier raised) under the old signature', async () => {
    const [header, , signature] = user.token.split('.') as [string, string, string];
    await expectRefused({ token: `${header}.${base64url(claimsFor(user.userId))}.${signature}` });
  });

  it("refuses alg 'none'", async () => {
    await expectRefused({ token: `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claimsFor(user.userId))}.` });
  });

  it('refuses an expired token', async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;
    const token = await new SignJWT(claimsFor(user.userId, { iat: past - 60, exp: past, tier: 'free' }))
      .setProtectedHeader({ alg: 'HS256' })
      .sign(secret);
    const result = await expectRefused({ token });
    expect(result.errors?.[0]?.message).toBe('Token has expired');
  });

  it('refuses a token for another audience', async () => {
    const token = await new SignJWT(claimsFor(user.userId, { aud: 'someone-else', tier: 'free' })).setProtectedHeader({ alg: 'HS256' }).sign(secret);
    await expectRefused({ token });
  });

  it('refuses an unknown API key and a malformed Authorization header', async () => {
    await expectRefused({ apiKey: `100x_${'a'.repeat(43)}` });
    const result = await graphql(gateway.url, '{ me { id } }', {}, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(result.status).toBe(401);
  });

  it('refuses a token after logout (revoked by jti)', async () => {
    const session = await login(gateway.url, 'target@example.test', 'correct horse battery');
    const out = await graphql(gateway.url, 'mutation { logout }', {}, { token: session.token });
    expect(out.data).toEqual({ logout: true });
    await expectRefused({ token: session.token });
    // The other session of the same user is untouched.
    const still = await graphql(gateway.url, '{ me { id } }', {}, { token: user.token });
    expect(still.data?.me.id).toBe(user.userId);
  });

  it('refuses anonymous calls to protected fields with AUTHENTICATION_REQUIRED', async () => {
    const result = await graphql(gateway.url, '{ me { id } }');
    expect(result.status).toBe(401);
    expect(firstErrorCode(result)).toBe('AUTHENTICATION_REQUIRED');
  });

  it('refuses a free user asking for a pro key', async () => {
    const result = await graphql(
      gateway.url,
      'mutation { createApiKey(input: { name: "too high", tier: pro }) { apiKey } }',
      {},
      { token: user.token },
    );
    expect(result.status).toBe(403);
    expect(firstErrorCode(result)).toBe('INSUFFICIENT_PERMISSIONS');
    expect(result.errors?.[0]?.message).toBe("A key's tier cannot exceed yours: requested 'pro', your tier: 'free'");
  });

  it('refuses a key scope the user does not hold, and keys without write:keys creating keys', async () => {
    const tooWide = await graphql(
      gateway.url,
      'mutation { createApiKey(input: { name: "x", scopes: ["no:such"] }) { apiKey } }',
      {},
      { token: user.token },
    );
    expect(firstErrorCode(tooWide)).toBe('VALIDATION_ERROR');
    const { apiKey } = await createApiKey(gateway.url, user.token, { name: 'read only', scopes: ['read:keys'] });
    const escalate = await graphql(gateway.url, 'mutation { createApiKey(input: { name: "child" }) { apiKey } }', {}, { apiKey });
    expect(escalate.status).toBe(403);
    expect(firstErrorCode(escalate)).toBe('INSUFFICIENT_PERMISSIONS');
  });

  it("hides another user's key (not found) and refuses non-admins changing tiers", async () => {
    const other = await registerAndLogin(gateway.url, 'other@example.test');
    const { id } = await createApiKey(gateway.url, other.token, { name: 'theirs' });
    const revoke = await graphql(gateway.url, 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id }, { token: user.token });
    expect(firstErrorCode(revoke)).toBe('RESOURCE_NOT_FOUND');
    const promote = await graphql(
      gateway.url,
      'mutation($id: ID!) { setUserTier(userId: $id, tier: admin) { tier } }',
      { id: user.userId },
      { token: user.token },
    );
    expect(firstErrorCode(promote)).toBe('INSUFFICIENT_PERMISSIONS');
  });

  it('lets the bootstrap admin change a tier, after which a pro key may be created', async () => {
    const admin = await login(gateway.url, ADMIN.email, ADMIN.password);
    const promoted = await graphql(
      gateway.url,
      'mutation($id: ID!) { setUserTier(userId: $id, tier: pro) { id tier } }',
      { id: user.userId },
      { token: admin.token },
    );
    expect(promoted.data?.setUserTier).toEqual({ id: user.userId, tier: 'pro' });
    const fresh = await login(gateway.url, 'target@example.test', 'correct horse battery');
    const created = await graphql(gateway.url, 'mutation { createApiKey(input: { name: "pro", tier: pro }) { key { tier } } }', {}, { token: fresh.token });
    expect(created.data?.createApiKey.key.tier).toBe('pro');
  });

  it('names the invalid field of bad input with VALIDATION_ERROR and a 400', async () => {
    const result = await graphql(gateway.url, 'mutation { register(input: { email: "not-an-email", password: "long enough" }) { id } }');
    expect(result.status).toBe(400);
    expect(firstErrorCode(result)).toBe('VALIDATION_ERROR');
    expect(result.errors?.[0]?.message).toContain("'email'");
    const malformed = await fetch(`${gateway.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(malformed.status).toBe(400);
    expect((await jsonOf(malformed)).errors[0].extensions.code).toBe('VALIDATION_ERROR');
  });
});

describe('credentials the edge refuses (RS256 configured)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  let gateway: RunningGateway;
  let user: { token: string; userId: string };

  beforeAll(async () => {
    gateway = await startTestGateway({ JWT_ALGORITHM: 'RS256', JWT_PRIVATE_KEY: privatePem, JWT_PUBLIC_KEY: publicPem });
    user = await registerAndLogin(gateway.url, 'rs@example.test');
  });
  afterAll(() => gateway?.close());

  it('accepts its own RS256 tokens and publishes the public key as JWKS', async () => {
    expect(JSON.parse(Buffer.from(user.token.split('.')[0]!, 'base64url').toString()).alg).toBe('RS256');
    const me = await graphql(gateway.url, '{ me { id } }', {}, { token: user.token });
    expect(me.data?.me.id).toBe(user.userId);
    const jwks = await jsonOf(fetch(`${gateway.url}/.well-known/jwks.json`));
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(jwks.keys[0].d).toBeUndefined();
  });

  it('refuses an HS256 token signed with the public key as the HMAC secret', async () => {
    const forged = await new SignJWT(claimsFor(user.userId)).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(publicPem));
    const result = await graphql(gateway.url, '{ me { id } }', {}, { token: forged });
    expect(result.status).toBe(401);
    expect(firstErrorCode(result)).toBe('AUTHENTICATION_REQUIRED');
  });
});

describe('a subgraph reached directly', () => {
  let subgraph: RunningSubgraph;
  const tokens = internalTokens({ secret: new TextEncoder().encode(TEST_INTERNAL_SECRET) });
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(subgraph.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  beforeAll(async () => {
    const config = testConfig();
    subgraph = await startSubgraphServer('auth', config, createLogger('silent'), { host: '127.0.0.1', port: 0 });
  });
  afterAll(() => subgraph?.close());

  it('refuses a call without the internal token', async () => {
    const response = await post({ query: '{ _service { sdl } }' });
    expect(response.status).toBe(401);
    expect((await jsonOf(response)).errors[0].extensions.code).toBe('AUTHENTICATION_REQUIRED');
  });

  it('refuses an internal token signed with another secret', async () => {
    const stranger = internalTokens({ secret: new TextEncoder().encode('another-secret-that-is-long-enough-000000') });
    const token = await stranger.sign({ principal: null, requestId: 'x', clientAddress: null });
    const response = await post({ query: '{ _service { sdl } }' }, { 'x-internal-token': token });
    expect(response.status).toBe(401);
  });

  it('serves the gateway, and guards entity references: a user cannot resolve another user', async () => {
    const token = await tokens.sign({ principal: null, requestId: 'x', clientAddress: null });
    const sdl = await jsonOf(post({ query: '{ _service { sdl } }' }, { 'x-internal-token': token }));
    expect(sdl.data._service.sdl).toContain('type User');

    const caller = await tokens.sign({
      principal: { kind: 'user', userId: '00000000-0000-4000-8000-000000000001', tier: 'free', scopes: [], tokenId: 't', expiresAt: Date.now() / 1000 + 60, mfaVerified: false, mfaRequired: false },
      requestId: 'x',
      clientAddress: null,
    });
    const entities = await jsonOf(
      post(
        {
          query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id email } } }',
          variables: { r: [{ __typename: 'User', id: '00000000-0000-4000-8000-000000000002' }] },
        },
        { 'x-internal-token': caller },
      ),
    );
    expect(entities.errors[0].extensions.code).toBe('INSUFFICIENT_PERMISSIONS');
    expect(entities.data._entities).toEqual([null]);
    expect(JSON.stringify(entities)).not.toContain('"email"');
  });
});
