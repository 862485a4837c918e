import { gql } from '@apollo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { createApiKey, registerAndLogin } from '../support/account-flows.ts';
import { apolloClient } from '../support/apollo-client.ts';
import { startTestGateway, TEST_INTERNAL_SECRET, TEST_JWT_SECRET } from '../support/gateway-harness.ts';
import { firstErrorCode, graphql } from '../support/graphql-client.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';
import { freePort, startTsProcess, SUBGRAPH_ENTRY, type StartedProcess } from '../support/processes.ts';

const LOGIN = gql`
  mutation SignIn($input: LoginInput!) {
    login(input: $input) {
      accessToken
      user { id email tier scopes createdAt apiKeys { name } }
    }
  }
`;

interface SignedIn {
  login: { accessToken: string; user: { id: string; email: string; tier: string; scopes: string[]; createdAt: string; apiKeys: Array<{ name: string }> } };
}

/** The same checks against every deployment: all subgraphs in process, or keys in its own process. */
function signInPayloadSuite(gatewayUrl: () => string, prefix: string): void {
  it('a login payload shows the signed-in user, fields of other subgraphs included, to Apollo Client with no prior token', async () => {
    const email = `${prefix}-login@example.test`;
    const { token } = await registerAndLogin(gatewayUrl(), email);
    await createApiKey(gatewayUrl(), token, { name: `${prefix}-key` });

    const { data, error } = await apolloClient(gatewayUrl()).mutate<SignedIn>({
      mutation: LOGIN,
      variables: { input: { email, password: 'correct horse battery' } },
    });
    expect(error).toBeUndefined();
    expect(data?.login.user).toMatchObject({ email, tier: 'free', apiKeys: [{ name: `${prefix}-key` }] });
    expect(data?.login.user.scopes).toContain('read:keys');

    // The issued token reads the same user afterwards.
    const me = await graphql(gatewayUrl(), '{ me { email apiKeys { name } } }', {}, { token: data!.login.accessToken });
    expect(me.data?.me).toEqual({ email, apiKeys: [{ name: `${prefix}-key` }] });
  });

  it('signing in grants the payload user’s fields, not a session: a later field needing a token is still refused', async () => {
    const email = `${prefix}-session@example.test`;
    await registerAndLogin(gatewayUrl(), email);
    const result = await graphql(
      gatewayUrl(),
      'mutation($input: LoginInput!) { login(input: $input) { user { email } } createApiKey(input: { name: "sneaky" }) { apiKey } }',
      { input: { email, password: 'correct horse battery' } },
    );
    // createApiKey is non-null, so its refusal nulls `data`; login itself raised nothing.
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['AUTHENTICATION_REQUIRED']);
  });

  it('a wrong password proves nothing', async () => {
    const email = `${prefix}-wrong@example.test`;
    await registerAndLogin(gatewayUrl(), email);
    const result = await graphql(gatewayUrl(), 'mutation($input: LoginInput!) { login(input: $input) { user { email } } }', {
      input: { email, password: 'not the password' },
    });
    expect(firstErrorCode(result)).toBe('AUTHENTICATION_REQUIRED');
    expect(result.data).toBeNull();
  });

  it('register answers the new account, and verify the credential’s own user with its keys', async () => {
    const email = `${prefix}-register@example.test`;
    const registered = await apolloClient(gatewayUrl()).mutate<{ register: { id: string; email: string; tier: string } }>({
      mutation: gql`mutation Register($input: RegisterInput!) { register(input: $input) { id email tier createdAt } }`,
      variables: { input: { email, password: 'correct horse battery' } },
    });
    expect(registered.data?.register).toMatchObject({ email, tier: 'free' });

    const { token } = await registerAndLogin(gatewayUrl(), `${prefix}-verify@example.test`);
    await createApiKey(gatewayUrl(), token, { name: 'verify-key' });
    const verified = await apolloClient(gatewayUrl(), { token }).query<{ verify: { user: { email: string; apiKeys: Array<{ name: string }> } } }>({
      query: gql`query Verify { verify { valid kind user { id email scopes apiKeys { name } } } }`,
    });
    expect(verified.data?.verify.user).toMatchObject({ email: `${prefix}-verify@example.test`, apiKeys: [{ name: 'verify-key' }] });
  });
}

describe('sign-in payloads, every subgraph in process', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startTestGateway();
  }, 30_000);
  afterAll(async () => gateway?.close());
  signInPayloadSuite(() => gateway.url, 'local');
});

describe.runIf(postgresAvailable)('sign-in payloads, keys subgraph in its own process', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let keys: StartedProcess;
  let gateway: RunningGateway;
  beforeAll(async () => {
    database = await createTestDatabase();
    const port = await freePort();
    keys = await startTsProcess(
      SUBGRAPH_ENTRY,
      ['keys', '--port', String(port)],
      { DATABASE_URL: database.url, JWT_SECRET: TEST_JWT_SECRET, INTERNAL_TOKEN_SECRET: TEST_INTERNAL_SECRET, LOG_LEVEL: 'warn' },
      /ready at/,
    );
    gateway = await startTestGateway({ DATABASE_URL: database.url, SUBGRAPH_URLS: `keys=http://127.0.0.1:${port}/graphql` });
  }, 60_000);
  afterAll(async () => {
    await gateway?.close();
    await keys?.stop();
    await database?.drop();
  });
  signInPayloadSuite(() => gateway.url, 'remote');
});
