import { expect } from 'vitest';
import { createApiKey, registerAndLogin } from './account-flows.ts';
import { firstErrorCode, graphql } from './graphql-client.ts';

/**
 * register → login → me → createApiKey → call with X-API-Key → revoke → refused at once.
 * Run against every way the gateway can be deployed.
 */
export async function walkingFlow(baseUrl: string, email: string): Promise<void> {
  const { token, userId } = await registerAndLogin(baseUrl, email);

  const me = await graphql(baseUrl, '{ me { id email tier scopes } }', {}, { token });
  expect(me.status).toBe(200);
  expect(me.data?.me).toMatchObject({ id: userId, email, tier: 'free' });

  const { apiKey, id } = await createApiKey(baseUrl, token, { name: 'ci key', scopes: ['read:keys', 'read:profile'] });
  expect(apiKey).toMatch(/^100x_[A-Za-z0-9_-]{43}$/);

  // The key works, and a cross-subgraph selection (keys → auth) resolves through the plan.
  const viaKey = await graphql(baseUrl, '{ me { id } apiKeys { id name prefix status owner { id email } } }', {}, { apiKey });
  expect(viaKey.errors).toBeUndefined();
  expect(viaKey.data?.me.id).toBe(userId);
  expect(viaKey.data?.apiKeys).toEqual([
    { id, name: 'ci key', prefix: `${apiKey.slice(0, 13)}…`, status: 'active', owner: { id: userId, email } },
  ]);
  // The listing never carries the key itself.
  expect(JSON.stringify(viaKey.data)).not.toContain(apiKey);

  const revoked = await graphql(baseUrl, 'mutation($id: ID!) { revokeApiKey(id: $id) { id status revokedAt } }', { id }, { token });
  expect(revoked.errors).toBeUndefined();
  expect(revoked.data?.revokeApiKey.status).toBe('revoked');

  const refused = await graphql(baseUrl, '{ me { id } }', {}, { apiKey });
  expect(refused.status).toBe(401);
  expect(firstErrorCode(refused)).toBe('AUTHENTICATION_REQUIRED');
}
