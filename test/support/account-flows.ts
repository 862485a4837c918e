import { expect } from 'vitest';
import { graphql } from './graphql-client.ts';

/** The register → login steps most suites start from. */
export async function registerAndLogin(baseUrl: string, email: string, password = 'correct horse battery'): Promise<{ token: string; userId: string }> {
  const registered = await graphql(baseUrl, 'mutation($input: RegisterInput!) { register(input: $input) { id email tier } }', {
    input: { email, password },
  });
  expect(registered.errors).toBeUndefined();
  return login(baseUrl, email, password);
}

export async function login(baseUrl: string, email: string, password: string): Promise<{ token: string; userId: string }> {
  const result = await graphql<{ login: { accessToken: string; user: { id: string } } }>(
    baseUrl,
    'mutation($input: LoginInput!) { login(input: $input) { accessToken tokenType expiresIn user { id } } }',
    { input: { email, password } },
  );
  expect(result.errors).toBeUndefined();
  return { token: result.data!.login.accessToken, userId: result.data!.login.user.id };
}

export async function createApiKey(
  baseUrl: string,
  token: string,
  input: Record<string, unknown>,
): Promise<{ apiKey: string; id: string }> {
  const result = await graphql<{ createApiKey: { apiKey: string; key: { id: string } } }>(
    baseUrl,
    'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey key { id tier scopes } } }',
    { input },
    { token },
  );
  expect(result.errors).toBeUndefined();
  return { apiKey: result.data!.createApiKey.apiKey, id: result.data!.createApiKey.key.id };
}

/** A signed-in user of the given tier: registered, promoted by the bootstrap admin, logged in again. */
export async function userOfTier(
  baseUrl: string,
  email: string,
  tier: 'free' | 'pro' | 'enterprise' | 'admin',
  admin: { email: string; password: string },
): Promise<{ token: string; userId: string }> {
  const user = await registerAndLogin(baseUrl, email);
  if (tier === 'free') return user;
  const adminSession = await login(baseUrl, admin.email, admin.password);
  const promoted = await graphql(
    baseUrl,
    'mutation($id: ID!, $tier: Tier!) { setUserTier(userId: $id, tier: $tier) { tier } }',
    { id: user.userId, tier },
    { token: adminSession.token },
  );
  expect(promoted.errors).toBeUndefined();
  return login(baseUrl, email, 'correct horse battery');
}
