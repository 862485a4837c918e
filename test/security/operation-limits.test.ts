import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureDocument } from '../../gateway/executor/operation-measure.ts';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { registerAndLogin } from '../support/account-flows.ts';
import { startTestGateway } from '../support/gateway-harness.ts';
import { firstErrorCode, graphql } from '../support/graphql-client.ts';
import { fragmentBomb } from '../support/operation-bombs.ts';
import { connectSubscriber } from '../support/subscription-client.ts';

const only = (document: string) => [...measureDocument(parse(document)).values()];

describe('operation measure', () => {
  it('expands fragment spreads without walking them again: the 21-deep doubling bomb selects 2^21 fields', () => {
    expect(only(fragmentBomb(21))).toEqual([{ depth: 0, fields: 2 ** 21, aliases: 0, spreads: 2 ** 22 - 1 }]);
  });

  it('counts depth, aliases and fields through fragments and inline fragments', () => {
    const document = `
      query { me { ...U } a: me { id } }
      fragment U on User { id x: email apiKeys { ... on ApiKey { owner { id } } } }`;
    // me(1) id(1) x(1) apiKeys(1) owner(1) id(1), a(1) id(1)
    expect(only(document)).toEqual([{ depth: 4, fields: 8, aliases: 2, spreads: 1 }]);
  });

  it('measures a fragment cycle as finite (graphql-js reports the cycle itself)', () => {
    expect(only('query { ...A } fragment A on Query { __typename ...B } fragment B on Query { ...A }')[0]?.fields).toBe(1);
  });
});

describe('operation limits at the gateway', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ GRAPHQL_MAX_FIELDS: '500' });
  });
  afterAll(() => gateway?.close());

  it('refuses the anonymous 21-deep fragment bomb with VALIDATION_ERROR while /health keeps answering', async () => {
    const bomb = graphql(gateway.url, fragmentBomb(21));
    const health = fetch(`${gateway.url}/health`);
    const [refused, healthy] = await Promise.all([bomb, health]);
    expect(refused.status).toBe(400);
    expect(firstErrorCode(refused)).toBe('VALIDATION_ERROR');
    expect(refused.errors?.[0]?.message).toBe('Operation selects more than 500 fields');
    expect(healthy.status).toBe(200);
  });

  it('refuses too many fields from GRAPHQL_MAX_FIELDS and admits an operation under it', async () => {
    const wide = (n: number) => `{ ${Array.from({ length: n }, () => '__typename').join(' ')} }`;
    expect(firstErrorCode(await graphql(gateway.url, wide(501)))).toBe('VALIDATION_ERROR');
    const admitted = await graphql(gateway.url, wide(400));
    expect(admitted.errors).toBeUndefined();
  });

  it('counts aliases spread through a fragment at every spread', async () => {
    const aliased = `query { ${Array.from({ length: 8 }, (_, i) => `...A${i % 2}`).join(' ')} }
      fragment A0 on Query { ${Array.from({ length: 4 }, (_, i) => `a${i}: __typename`).join(' ')} }
      fragment A1 on Query { ${Array.from({ length: 4 }, (_, i) => `b${i}: __typename`).join(' ')} }`;
    const result = await graphql(gateway.url, aliased);
    expect(result.errors?.[0]?.message).toBe('Operation uses more than 30 aliases');
  });

  it('refuses the bomb sent as a subscription over graphql-ws with the same code', async () => {
    const user = await registerAndLogin(gateway.url, 'bomber@limits.test');
    const subscriber = connectSubscriber(gateway.url, { token: user.token });
    try {
      const ended = await subscriber.subscribe(fragmentBomb(21, 2, 'subscription')).ended;
      expect('error' in ended).toBe(true);
      const errors = (ended as { error: Array<{ message: string; extensions?: { code?: string } }> }).error;
      expect(errors[0]?.extensions?.code).toBe('VALIDATION_ERROR');
      expect(errors.map((error) => error.message)).toContain('Operation selects more than 500 fields');
    } finally {
      await subscriber.dispose();
    }
  });
});
