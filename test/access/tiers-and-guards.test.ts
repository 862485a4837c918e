import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { createApiKey, login, userOfTier } from '../support/account-flows.ts';
import { ADMIN, startTestGateway } from '../support/gateway-harness.ts';
import { firstErrorCode, graphql } from '../support/graphql-client.ts';

const UPDATE_LIMITS = 'mutation($id: ID!) { updateApiKeyLimits(id: $id, limitPerMinute: 10) { id limitPerMinute } }';
const TIERS = ['free', 'pro', 'enterprise', 'admin'] as const;

describe('tier and scope rules over GraphQL', () => {
  let gateway: RunningGateway;
  const sessions = {} as Record<(typeof TIERS)[number], { token: string; userId: string }>;

  beforeAll(async () => {
    gateway = await startTestGateway();
    for (const tier of TIERS) {
      sessions[tier] = tier === 'admin' ? await login(gateway.url, ADMIN.email, ADMIN.password) : await userOfTier(gateway.url, `${tier}@tiers.test`, tier, ADMIN);
    }
  });
  afterAll(() => gateway?.close());

  it.each(TIERS)('lets %s set its own key limits only from pro up (a pro-only field)', async (tier) => {
    const { id } = await createApiKey(gateway.url, sessions[tier].token, { name: `${tier} key` });
    const result = await graphql(gateway.url, UPDATE_LIMITS, { id }, { token: sessions[tier].token });
    if (tier === 'free') {
      expect(result.status).toBe(403);
      expect(firstErrorCode(result)).toBe('INSUFFICIENT_PERMISSIONS');
      expect(result.errors?.[0]?.message).toBe("This operation requires 'pro' tier. Your tier: 'free'");
    } else {
      expect(result.errors).toBeUndefined();
      expect(result.data?.updateApiKeyLimits).toEqual({ id, limitPerMinute: 10 });
    }
  });

  it.each(TIERS)('lets %s change tiers only if admin', async (tier) => {
    const result = await graphql(
      gateway.url,
      'mutation($id: ID!) { setUserTier(userId: $id, tier: enterprise) { tier } }',
      { id: sessions.enterprise.userId },
      { token: sessions[tier].token },
    );
    if (tier === 'admin') expect(result.data?.setUserTier.tier).toBe('enterprise');
    else expect(firstErrorCode(result)).toBe('INSUFFICIENT_PERMISSIONS');
  });

  it('refuses custom limits above the tier, and on creation for free users', async () => {
    const { id } = await createApiKey(gateway.url, sessions.pro.token, { name: 'capped' });
    const over = await graphql(
      gateway.url,
      'mutation($id: ID!) { updateApiKeyLimits(id: $id, limitPerMinute: 201) { id } }',
      { id },
      { token: sessions.pro.token },
    );
    expect(firstErrorCode(over)).toBe('VALIDATION_ERROR');
    expect(over.errors?.[0]?.message).toContain('200');
    const free = await graphql(
      gateway.url,
      'mutation { createApiKey(input: { name: "mine", limitPerMinute: 5 }) { apiKey } }',
      {},
      { token: sessions.free.token },
    );
    expect(firstErrorCode(free)).toBe('INSUFFICIENT_PERMISSIONS');
  });

  it('holds keys to their scopes and their own tier, whatever the owner holds', async () => {
    const readOnly = await createApiKey(gateway.url, sessions.pro.token, { name: 'read only', scopes: ['read:keys'] });
    const noWrite = await graphql(gateway.url, UPDATE_LIMITS, { id: readOnly.id }, { apiKey: readOnly.apiKey });
    expect(firstErrorCode(noWrite)).toBe('INSUFFICIENT_PERMISSIONS');
    expect(noWrite.errors?.[0]?.message).toContain("'write:keys'");
    const listed = await graphql(gateway.url, '{ apiKeys { id } }', {}, { apiKey: readOnly.apiKey });
    expect(listed.errors).toBeUndefined();

    const freeKey = await createApiKey(gateway.url, sessions.pro.token, { name: 'free key', tier: 'free' });
    const asFree = await graphql(gateway.url, UPDATE_LIMITS, { id: freeKey.id }, { apiKey: freeKey.apiKey });
    expect(firstErrorCode(asFree)).toBe('INSUFFICIENT_PERMISSIONS');
  });
});

describe('abuse guards at the edge', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ GRAPHQL_MAX_DEPTH: '4', GRAPHQL_MAX_ALIASES: '3', BODY_LIMIT_BYTES: '4096' });
  });
  afterAll(() => gateway?.close());

  it('refuses operations deeper than the limit', async () => {
    const deep = await graphql(gateway.url, '{ apiKeys { owner { apiKeys { owner { apiKeys { id } } } } } }');
    expect(deep.status).toBe(400);
    expect(firstErrorCode(deep)).toBe('VALIDATION_ERROR');
    expect(deep.errors?.[0]?.message).toContain('depth 6 exceeds the limit of 4');
  });

  it('refuses too many aliases', async () => {
    const aliased = await graphql(gateway.url, '{ a: __typename b: __typename c: __typename d: __typename }');
    expect(aliased.status).toBe(400);
    expect(aliased.errors?.[0]?.message).toContain('more than 3 aliases');
  });

  it('refuses bodies over the size limit without reading them whole', async () => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ __typename }`, variables: { pad: 'x'.repeat(10_000) } }),
    });
    // The contract's code for a body past its documented size limit.
    expect(response.status).toBe(413);
    expect((await response.json()) as unknown).toMatchObject({ errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
  });

  it('throttles login attempts per account, even with the right password afterwards', async () => {
    await graphql(gateway.url, 'mutation { register(input: { email: "guess@example.test", password: "right password" }) { id } }');
    const attempt = (password: string) =>
      graphql(gateway.url, 'mutation($p: String!) { login(input: { email: "guess@example.test", password: $p }) { accessToken } }', { p: password });
    for (let i = 0; i < 10; i += 1) expect(firstErrorCode(await attempt(`wrong ${i}`))).toBe('AUTHENTICATION_REQUIRED');
    const blocked = await attempt('right password');
    expect(blocked.status).toBe(429);
    expect(firstErrorCode(blocked)).toBe('RATE_LIMIT_EXCEEDED');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
