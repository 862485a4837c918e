import { describe, expect, it } from 'vitest';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Dispatcher } from 'undici';
import { edgeContext, type EdgeContext } from '../../gateway/executor/edge-context.ts';
import { PooledRemoteDataSource } from '../../gateway/executor/pooled-remote-data-source.ts';
import type { Principal } from '../../core/identity/principal.ts';

const alice: Principal = { kind: 'user', userId: 'alice', tier: 'pro', scopes: [], tokenId: 't1', expiresAt: 2e9, mfaVerified: false, mfaRequired: false };
const bob: Principal = { ...alice, userId: 'bob', tokenId: 't2' };

/** A subgraph that answers after a tick, counting what reaches it. */
function fakeSubgraph(status = 200) {
  const sent: Array<{ headers: Record<string, string>; body: string }> = [];
  const dispatcher = {
    async request(options: { headers: Record<string, string>; body: string }) {
      sent.push({ headers: options.headers, body: options.body });
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { statusCode: status, body: { text: async () => JSON.stringify({ data: { users: [{ id: '1' }] } }) } };
    },
  } as unknown as Dispatcher;
  return { dispatcher, sent };
}

function fetchFor(principal: Principal | null, operation: 'query' | 'mutation' = 'query', query = '{ users { id } }') {
  const context = edgeContext(principal, `req_${Math.random()}`, '10.0.0.1', async (call) => `token-for-${call.requestId}`);
  return {
    kind: 'incoming operation',
    request: { query, variables: {} },
    context,
    incomingRequestContext: { operation: { operation } },
  } as unknown as GraphQLDataSourceProcessOptions<EdgeContext>;
}

describe('remote subgraph fetches', () => {
  it('share one in-flight call between identical query fetches of the same caller, each getting its own copy', async () => {
    const { dispatcher, sent } = fakeSubgraph();
    const source = new PooledRemoteDataSource({ url: 'http://subgraph.test/graphql', dispatcher });
    const answers = await Promise.all([source.process(fetchFor(alice)), source.process(fetchFor(alice)), source.process(fetchFor(alice))]);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.headers['x-internal-token']).toMatch(/^token-for-req_/);
    expect(answers[0]).toEqual({ data: { users: [{ id: '1' }] } });
    // Apollo's executor writes into what a fetch returns: callers must not share objects.
    expect(answers[0]).not.toBe(answers[1]);
    expect(source.deduplicatedCount()).toBe(2);
  });

  it('never shares between callers, between different operations, or for mutations, and not once settled', async () => {
    const { dispatcher, sent } = fakeSubgraph();
    const source = new PooledRemoteDataSource({ url: 'http://subgraph.test/graphql', dispatcher });
    await Promise.all([
      source.process(fetchFor(alice)),
      source.process(fetchFor(bob)),
      source.process(fetchFor(null)),
      source.process(fetchFor(alice, 'query', '{ users { name } }')),
      source.process(fetchFor(alice, 'mutation')),
      source.process(fetchFor(alice, 'mutation')),
    ]);
    expect(sent).toHaveLength(6);
    await source.process(fetchFor(alice));
    expect(sent).toHaveLength(7);
  });

  it('sends what Apollo asks for: operation, variables, extensions and extra headers', async () => {
    const { dispatcher, sent } = fakeSubgraph();
    const source = new PooledRemoteDataSource({ url: 'http://subgraph.test/graphql', dispatcher });
    const options = fetchFor(alice);
    Object.assign(options.request, {
      variables: { first: 2 },
      operationName: 'Top',
      extensions: { persisted: false },
      http: { headers: new Map([['apollo-federation-include-trace', 'ftv1']]) },
    });
    await source.process(options);
    expect(JSON.parse(sent[0]?.body ?? '')).toEqual({ query: '{ users { id } }', variables: { first: 2 }, operationName: 'Top', extensions: { persisted: false } });
    expect(sent[0]?.headers).toMatchObject({ 'apollo-federation-include-trace': 'ftv1', 'content-type': 'application/json' });
  });

  it('can be turned off per subgraph', async () => {
    const { dispatcher, sent } = fakeSubgraph();
    const source = new PooledRemoteDataSource({ url: 'http://subgraph.test/graphql', dispatcher, deduplicate: false });
    await Promise.all([source.process(fetchFor(alice)), source.process(fetchFor(alice))]);
    expect(sent).toHaveLength(2);
  });

  it('turns a non-2xx answer into an error carrying the status, as Apollo does', async () => {
    const { dispatcher } = fakeSubgraph(401);
    const source = new PooledRemoteDataSource({ url: 'http://subgraph.test/graphql', dispatcher });
    await expect(source.process(fetchFor(alice))).rejects.toMatchObject({ message: '401: Unauthorized', extensions: { code: 'UNAUTHENTICATED' } });
  });
});
