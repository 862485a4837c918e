import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { registerAndLogin } from '../support/account-flows.ts';
import { startTestGateway } from '../support/gateway-harness.ts';
import { graphql } from '../support/graphql-client.ts';
import { connectSubscriber } from '../support/subscription-client.ts';

const INTROSPECT = '{ __schema { queryType { name } } }';
const TYPO = '{ modulez { slug } }';

async function overSocket(url: string, query: string): Promise<string[]> {
  const user = await registerAndLogin(url, `ws-${Math.random().toString(36).slice(2)}@exposure.test`);
  const subscriber = connectSubscriber(url, { token: user.token });
  try {
    const ended = await subscriber.subscribe(query).ended;
    const errors = 'error' in ended ? (ended.error as Array<{ message: string }>) : [];
    return Array.isArray(errors) ? errors.map((error) => error.message) : [];
  } finally {
    await subscriber.dispose();
  }
}

describe.each([
  { name: 'both switched off, as production defaults them', env: {} as Record<string, string>, production: true },
  { name: 'development defaults', env: {} as Record<string, string>, production: false },
])('schema exposure ($name)', ({ env, production }) => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startTestGateway(production ? { ...env, GRAPHQL_INTROSPECTION: 'false', GRAPHQL_SUGGESTIONS: 'false' } : env);
  });
  afterAll(() => gateway?.close());

  it(production ? 'refuses introspection and suggests no field names' : 'allows introspection and suggests field names', async () => {
    const introspection = await graphql(gateway.url, INTROSPECT);
    const typo = await graphql(gateway.url, TYPO);
    if (production) {
      expect(introspection.status).toBe(400);
      expect(introspection.errors?.[0]?.extensions?.code).toBe('VALIDATION_ERROR');
      expect(typo.errors?.[0]?.message).not.toContain('Did you mean');
    } else {
      expect(introspection.data?.__schema.queryType.name).toBe('Query');
      expect(typo.errors?.[0]?.message).toContain('Did you mean');
    }
  });

  it('does the same over graphql-ws', async () => {
    const messages = await overSocket(gateway.url, 'subscription { apiKeyChangd { kind } }');
    if (production) expect(messages.join(' ')).not.toContain('Did you mean');
    else expect(messages.join(' ')).toContain('Did you mean');
    const introspection = await overSocket(gateway.url, 'subscription { __schema { queryType { name } } }');
    if (production) expect(introspection.join(' ')).toMatch(/introspection/i);
  });
});

describe('schema exposure configuration', () => {
  const secret = 'x'.repeat(40);
  const production = { NODE_ENV: 'production', JWT_SECRET: secret, INTERNAL_TOKEN_SECRET: secret, TRAINING_CALLBACK_SECRET: secret, UPSTREAM_SIGNING_SECRET: secret };
  it('is off in production and on in development by default, each switchable', async () => {
    const { loadConfig } = await import('../../gateway/app/config/load-config.ts');
    expect(loadConfig(production).operationLimits).toMatchObject({ introspection: false, suggestions: false });
    expect(loadConfig({}).operationLimits).toMatchObject({ introspection: true, suggestions: true });
    expect(loadConfig({ ...production, GRAPHQL_INTROSPECTION: 'true' }).operationLimits).toMatchObject({ introspection: true, suggestions: false });
    expect(loadConfig({ GRAPHQL_SUGGESTIONS: 'false' }).operationLimits).toMatchObject({ introspection: true, suggestions: false });
  });
});
