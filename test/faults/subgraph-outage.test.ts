// The keys subgraph process killed (SIGKILL) under a bounded mixed load, then the
// auth one. GraphQL (queries and subscription events) answers what the other
// subgraphs resolved, with one SERVICE_UNAVAILABLE error per part the dead one
// should have supplied (its path, the subgraph named); a missing non-null field
// nulls its nearest nullable parent, as the GraphQL spec says; only an operation
// left with no data at all is a 503 with Retry-After. The REST bridge needs a
// route's whole result, so there a missing part is a 503 envelope naming it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { startTestGateway, TEST_INTERNAL_SECRET, TEST_JWT_SECRET } from '../support/gateway-harness.ts';
import { createApiKey, registerAndLogin } from '../support/account-flows.ts';
import { graphql } from '../support/graphql-client.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';
import { ownPostgresAvailable, startOwnPostgres } from '../support/own-postgres.ts';
import { freePort, startTsProcess, SUBGRAPH_ENTRY, type StartedProcess } from '../support/processes.ts';
import { startAIVillageUpstream, type AIVillageUpstream } from '../support/aivillage-upstream.ts';
import { connectSubscriber, subscriptionsRegistered, openSubscriptions, type TestSubscriber } from '../support/subscription-client.ts';

const EMAIL = 'outage@example.test';
const KEY_NAME = 'outage laptop';
const LOAD = { workers: 4, requests: 240, killAfter: 60 } as const;

/** The load's operations: auth only, auth and keys (nested and side by side), keys only. */
const QUERIES = {
  authOnly: 'query AuthOnly { me { email } }',
  nested: 'query Nested { me { email apiKeys { name } } }',
  sideBySide: 'query SideBySide($id: ID!) { me { email } apiKey(id: $id) { name } }',
  keysOnly: 'query KeysOnly { apiKeys { name } }',
} as const;
type QueryName = keyof typeof QUERIES;
const QUERY_NAMES = Object.keys(QUERIES) as QueryName[];

interface Answer {
  readonly query: QueryName;
  /** Sent after the keys process was seen to exit. */
  readonly afterKill: boolean;
  readonly status: number;
  readonly retryAfter: string | null;
  readonly text: string;
  readonly body: { data?: Record<string, any> | null; errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }> };
}

/** The answer each query gets while keys is up. */
const FULL: Record<QueryName, Record<string, unknown>> = {
  authOnly: { me: { email: EMAIL } },
  nested: { me: { email: EMAIL, apiKeys: [{ name: KEY_NAME }] } },
  sideBySide: { me: { email: EMAIL }, apiKey: { name: KEY_NAME } },
  keysOnly: { apiKeys: [{ name: KEY_NAME }] },
};

/** What each query gets once keys is gone: its data (null: none at all) and the paths keys should have filled. */
const OUTAGE: Record<QueryName, { status: number; data: Record<string, unknown> | null; missing: Array<Array<string | number>> }> = {
  authOnly: { status: 200, data: { me: { email: EMAIL } }, missing: [] },
  nested: { status: 200, data: { me: { email: EMAIL, apiKeys: null } }, missing: [['me', 'apiKeys']] },
  sideBySide: { status: 200, data: { me: { email: EMAIL }, apiKey: null }, missing: [['apiKey']] },
  keysOnly: { status: 503, data: null, missing: [['apiKeys']] },
};

function isFull(answer: Answer): boolean {
  return answer.status === 200 && answer.body.errors === undefined && JSON.stringify(answer.body.data) === JSON.stringify(FULL[answer.query]);
}

function expectOutageShape(answer: Answer): void {
  const expected = OUTAGE[answer.query];
  const label = `${answer.query} (${answer.afterKill ? 'after' : 'around'} the kill): ${answer.text}`;
  expect(answer.status, label).toBe(expected.status);
  expect(answer.body.data ?? null, label).toEqual(expected.data);
  const errors = answer.body.errors ?? [];
  expect(errors.map((error) => error.path), label).toEqual(expected.missing);
  for (const error of errors) {
    expect(error.extensions, label).toMatchObject({ code: 'SERVICE_UNAVAILABLE', serviceName: 'keys', dependency: 'keys' });
    expect(error.message, label).toContain("'keys'");
  }
  // Only an operation that got no data at all waits and retries.
  if (expected.status === 503) expect(Number(answer.retryAfter), label).toBeGreaterThan(0);
  else expect(answer.retryAfter, label).toBeNull();
  expect(answer.text, label).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|ECONNRESET/);
}

describe.runIf(postgresAvailable || ownPostgresAvailable)('a subgraph process killed under a mixed load', () => {
  let dropDatabase: () => Promise<void> = async () => undefined;
  const subgraphs: Partial<Record<'auth' | 'keys', StartedProcess>> = {};
  let gateway: RunningGateway;
  let aivillage: AIVillageUpstream;
  let token: string;
  let keyId: string;
  let keysExit: Promise<number | null>;
  const answers: Answer[] = [];
  const subscribers: TestSubscriber[] = [];

  beforeAll(async () => {
    let databaseUrl: string;
    if (postgresAvailable) {
      const database = await createTestDatabase();
      databaseUrl = database.url;
      dropDatabase = () => database.drop();
    } else {
      const own = await startOwnPostgres();
      databaseUrl = own.url;
      dropDatabase = () => own.destroy();
    }
    aivillage = await startAIVillageUpstream();
    const env = { DATABASE_URL: databaseUrl, JWT_SECRET: TEST_JWT_SECRET, INTERNAL_TOKEN_SECRET: TEST_INTERNAL_SECRET, LOG_LEVEL: 'warn' };
    const urls: string[] = [];
    for (const name of ['auth', 'keys'] as const) {
      const port = await freePort();
      subgraphs[name] = await startTsProcess(SUBGRAPH_ENTRY, [name, '--port', String(port)], env, /ready at/, 60_000);
      urls.push(`${name}=http://127.0.0.1:${port}/graphql`);
    }
    // agent-forge stays in the gateway process: its events carry fields of auth and keys.
    gateway = await startTestGateway({ DATABASE_URL: databaseUrl, SUBGRAPH_URLS: urls.join(','), V1_UPSTREAMS: `agent-forge=${aivillage.url}` });
    ({ token } = await registerAndLogin(gateway.url, EMAIL));
    ({ id: keyId } = await createApiKey(gateway.url, token, { name: KEY_NAME }));
  }, 180_000);

  afterAll(async () => {
    await Promise.all(subscribers.map((subscriber) => subscriber.dispose().catch(() => undefined)));
    await gateway?.close();
    await Promise.all(Object.values(subgraphs).map((subgraph) => subgraph.stop()));
    await aivillage?.close();
    await dropDatabase();
  }, 60_000);

  const ask = async (query: QueryName, afterKill: boolean): Promise<Answer> => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: QUERIES[query], variables: query === 'sideBySide' ? { id: keyId } : {} }),
    });
    const text = await response.text();
    return { query, afterKill, status: response.status, retryAfter: response.headers.get('retry-after'), text, body: JSON.parse(text) };
  };

  it('answers every query whole while keys is up, then partially once it is killed, one error per missing part', async () => {
    let sent = 0;
    let killed = false;
    const keys = subgraphs.keys!;
    const worker = async (): Promise<void> => {
      while (sent < LOAD.requests) {
        const index = sent++;
        if (index === LOAD.killAfter) {
          keysExit = keys.stop('SIGKILL');
          void keysExit.then(() => (killed = true));
        }
        answers.push(await ask(QUERY_NAMES[index % QUERY_NAMES.length]!, killed));
      }
    };
    await Promise.all(Array.from({ length: LOAD.workers }, worker));
    expect(await keysExit).toBeNull();
    expect(keys.child.signalCode).toBe('SIGKILL');

    expect(answers).toHaveLength(LOAD.requests);
    // Before the kill every answer is whole; around it, whole or partial; after it, partial.
    const before = answers.slice(0, LOAD.killAfter - LOAD.workers);
    for (const answer of before) expect(isFull(answer), answer.text).toBe(true);
    for (const answer of answers) if (answer.afterKill || !isFull(answer)) expectOutageShape(answer);
    const after = answers.filter((answer) => answer.afterKill);
    for (const name of QUERY_NAMES) expect(after.filter((answer) => answer.query === name).length, name).toBeGreaterThan(10);
  }, 60_000);

  it('keeps answering auth-only and partial queries while keys stays down', async () => {
    for (const name of QUERY_NAMES) expectOutageShape(await ask(name, true));
  });

  it('the REST bridge answers a 503 envelope naming keys when the part a route needs is missing, and serves auth routes', async () => {
    const headers = { authorization: `Bearer ${token}` };
    for (const path of [`/api/v1/api-keys/${keyId}`, '/api-keys/list', '/api/v1/api-keys']) {
      const response = await fetch(`${gateway.url}${path}`, { headers });
      const text = await response.text();
      expect(response.status, `${path}: ${text}`).toBe(503);
      expect(Number(response.headers.get('retry-after')), path).toBeGreaterThan(0);
      expect(JSON.parse(text), path).toMatchObject({ success: false, error_code: 'SERVICE_UNAVAILABLE', error: expect.stringContaining("'keys'") });
      expect(text, path).not.toMatch(/127\.0\.0\.1/);
    }
    const verified = await fetch(`${gateway.url}/auth/verify`, { method: 'POST', headers });
    expect(verified.status).toBe(200);
    expect(await verified.json()).toMatchObject({ success: true, data: { user: { email: EMAIL } } });
  });

  it("resolves a subscription event's other fields and marks the keys part missing, with its path", async () => {
    const before = await openSubscriptions(gateway.url);
    const subscriber = connectSubscriber(gateway.url, { authorization: `Bearer ${token}` });
    subscribers.push(subscriber);
    const subscription = subscriber.subscribe('subscription { trainingJobUpdated { jobId job { status owner { email apiKeys { name } } } } }');
    await subscriptionsRegistered(gateway.url, before + 1);
    const started = await graphql(gateway.url, 'mutation { startTraining(input: { phaseName: "cognate" }) { id } }', {}, { token });
    expect(started.errors).toBeUndefined();
    const [event] = await subscription.received(1);
    expect(event!.data!['trainingJobUpdated']).toEqual({ jobId: started.data!['startTraining'].id, job: { status: 'queued', owner: { email: EMAIL, apiKeys: null } } });
    expect(event!.errors).toHaveLength(1);
    expect(event!.errors![0]).toMatchObject({ path: ['trainingJobUpdated', 'job', 'owner', 'apiKeys'], extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: 'keys' } });
  });

  it('with auth killed too, a missing non-null field nulls its nearest nullable parent, on /graphql and in subscription events', async () => {
    const before = await openSubscriptions(gateway.url);
    const subscriber = connectSubscriber(gateway.url, { authorization: `Bearer ${token}` });
    subscribers.push(subscriber);
    const subscription = subscriber.subscribe('subscription { trainingJobUpdated { jobId job { status owner { id email } } } }');
    await subscriptionsRegistered(gateway.url, before + 1);
    expect(await subgraphs.auth!.stop('SIGKILL')).toBeNull();

    const started = await graphql(gateway.url, 'mutation { startTraining(input: { phaseName: "cognate" }) { id } }', {}, { token });
    expect(started.errors).toBeUndefined();
    const jobId = started.data!['startTraining'].id as string;
    // email (String!, from auth) is missing: owner, the nearest nullable field above it, is null.
    const missingEmail = { message: expect.stringContaining("'auth'"), extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: 'auth' } };
    const job = await graphql(gateway.url, 'query($id: ID!) { trainingJob(id: $id) { status owner { id email } } }', { id: jobId }, { token });
    expect(job.status).toBe(200);
    expect(job.data).toEqual({ trainingJob: { status: 'queued', owner: null } });
    expect(job.errors).toHaveLength(1);
    expect(job.errors![0]).toMatchObject({ ...missingEmail, path: ['trainingJob', 'owner', 'email'] });

    const [event] = await subscription.received(1);
    expect(event!.data!['trainingJobUpdated']).toEqual({ jobId, job: { status: 'queued', owner: null } });
    expect(event!.errors).toHaveLength(1);
    expect(event!.errors![0]).toMatchObject({ ...missingEmail, path: ['trainingJobUpdated', 'job', 'owner', 'email'] });
  });
});
