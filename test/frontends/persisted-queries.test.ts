import { createHash } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { registerAndLogin } from '../support/account-flows.ts';
import { startTestGateway } from '../support/gateway-harness.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface Answer {
  readonly status: number;
  readonly cacheControl: string | null;
  readonly message: string | undefined;
  readonly code: string | undefined;
}

async function post(url: string, body: unknown, token?: string): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { errors?: Array<{ message: string; extensions?: { code?: string } }> };
  return { status: response.status, cacheControl: response.headers.get('cache-control'), message: json.errors?.[0]?.message, code: json.errors?.[0]?.extensions?.code };
}

/** The three APQ refusals, as a client sends them. */
const REFUSALS = {
  'not found': { extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } },
  'hash mismatch': { query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: 'b'.repeat(64) } } },
  'unsupported version': { extensions: { persistedQuery: { version: 2, sha256Hash: 'c'.repeat(64) } } },
} as const;

describe('automatic persisted queries answer as Apollo Server does', () => {
  let gateway: RunningGateway;
  let reference: ApolloServer;
  let referenceUrl: string;
  let token: string;

  beforeAll(async () => {
    gateway = await startTestGateway();
    ({ token } = await registerAndLogin(gateway.url, 'apq@example.test'));
    reference = new ApolloServer({ typeDefs: 'type Query { hello: String }', resolvers: { Query: { hello: () => 'hi' } } });
    ({ url: referenceUrl } = await startStandaloneServer(reference, { listen: { port: 0, host: '127.0.0.1' } }));
  }, 30_000);

  afterAll(async () => {
    await reference?.stop();
    await gateway?.close();
  });

  it.each(Object.keys(REFUSALS) as Array<keyof typeof REFUSALS>)('%s: the same status, message and cache header as a bare Apollo Server', async (name) => {
    const ours = await post(`${gateway.url}/graphql`, REFUSALS[name], token);
    const apollos = await post(referenceUrl, REFUSALS[name]);
    expect({ status: ours.status, message: ours.message }).toEqual({ status: apollos.status, message: apollos.message });
    if (name === 'not found') {
      expect(ours).toEqual({ status: 200, cacheControl: 'private, no-cache, must-revalidate', message: 'PersistedQueryNotFound', code: 'PERSISTED_QUERY_NOT_FOUND' });
    } else {
      // Apollo labels these INTERNAL_SERVER_ERROR; the contract's code for a 400 is VALIDATION_ERROR.
      expect(ours).toMatchObject({ status: 400, code: 'VALIDATION_ERROR' });
    }
  });

  it("Apollo Client's persisted-queries link sends the hash, registers the query once told it is unknown, then sends the hash alone", async () => {
    const sent: Array<{ hasQuery: boolean; hash: string | undefined }> = [];
    const recordingFetch: typeof fetch = async (input, init) => {
      const body = JSON.parse(String(init?.body)) as { query?: string; extensions?: { persistedQuery?: { sha256Hash: string } } };
      sent.push({ hasQuery: body.query !== undefined, hash: body.extensions?.persistedQuery?.sha256Hash });
      return fetch(input, init);
    };
    const client = () =>
      new ApolloClient({
        link: new PersistedQueryLink({ sha256: async (text) => sha256(text) }).concat(
          new HttpLink({ uri: `${gateway.url}/graphql`, headers: { authorization: `Bearer ${token}` }, fetch: recordingFetch }),
        ),
        cache: new InMemoryCache(),
      });
    const query = gql`query OwnEmail { me { email } }`;
    const first = await client().query({ query });
    expect(first.data).toMatchObject({ me: { email: 'apq@example.test' } });
    expect(sent.map((request) => request.hasQuery)).toEqual([false, true]);

    const second = await client().query({ query });
    expect(second.data).toMatchObject({ me: { email: 'apq@example.test' } });
    expect(sent.map((request) => request.hasQuery)).toEqual([false, true, false]);
    expect(new Set(sent.map((request) => request.hash)).size).toBe(1);
  });
});
