import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { createApiKey, registerAndLogin } from '../support/account-flows.ts';
import { startAIVillageUpstream, type AIVillageUpstream } from '../support/aivillage-upstream.ts';
import { startTestGateway } from '../support/gateway-harness.ts';
import { graphql } from '../support/graphql-client.ts';
import { connectSubscriber, openSubscriptions, subscriptionsRegistered, type TestSubscriber, type TestSubscription } from '../support/subscription-client.ts';

const START = 'mutation($input: StartTrainingInput!) { startTraining(input: $input) { id } }';
// The job is fetched from agent-forge, its owner's email from auth, the owner's keys from keys.
const TRAINING = 'subscription { trainingJobUpdated { kind jobId job { id status owner { email apiKeys { name } } } } }';
const SUBSCRIBERS = 4;
const SUBGRAPHS = ['agent-forge', 'auth', 'keys'] as const;
type Subgraph = (typeof SUBGRAPHS)[number];

/** Fetches the gateway sent to each subgraph so far, read from its own /metrics. */
async function fetchesBySubgraph(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const [, subgraph, count] of text.matchAll(/^gateway_subgraph_fetch_duration_seconds_count\{subgraph="([^"]+)",outcome="[^"]+"\} (\d+)$/gm)) {
    counts[subgraph!] = (counts[subgraph!] ?? 0) + Number(count);
  }
  return counts;
}

const delta = (after: Record<string, number>, before: Record<string, number>, subgraph: string): number => (after[subgraph] ?? 0) - (before[subgraph] ?? 0);

describe('subscription fan-out: one execution per group of subscribers that must get the same payload', () => {
  let upstream: AIVillageUpstream;
  let gateway: RunningGateway;
  let alice: { token: string; userId: string };
  const subscribers: TestSubscriber[] = [];
  const subscribe = (params: Record<string, unknown>, query: string): TestSubscription => {
    const subscriber = connectSubscriber(gateway.url, params);
    subscribers.push(subscriber);
    return subscriber.subscribe(query);
  };
  /** Starts one of alice's jobs (one `training.progress` event) and returns the subgraph fetches it caused. */
  const fetchesOfOneEvent = async (subscriptions: readonly TestSubscription[]): Promise<Record<Subgraph, number>> => {
    const before = await fetchesBySubgraph(gateway.url);
    const counts = subscriptions.map((subscription) => subscription.results.length);
    const started = await graphql(gateway.url, START, { input: { phaseName: 'cognate' } }, { token: alice.token });
    expect(started.errors).toBeUndefined();
    await Promise.all(subscriptions.map((subscription, index) => subscription.received(counts[index]! + 1)));
    const after = await fetchesBySubgraph(gateway.url);
    return Object.fromEntries(SUBGRAPHS.map((subgraph) => [subgraph, delta(after, before, subgraph)])) as Record<Subgraph, number>;
  };
  /** What starting a job costs with nobody subscribed, and what one execution of TRAINING adds. */
  let unwatched: Record<Subgraph, number>;
  let perExecution: Record<Subgraph, number>;

  beforeAll(async () => {
    upstream = await startAIVillageUpstream();
    gateway = await startTestGateway({
      V1_UPSTREAMS: `agent-forge=${upstream.url}`,
      TRAINING_CALLBACK_SECRET: 'test-training-callback-secret-0123456789ab',
      // Identical in-flight fetches are not joined, so every entity query the gateway runs is counted.
      SUBGRAPH_DEDUP_EXCLUDE: 'agent-forge,auth,keys',
      SUBSCRIPTION_MAX_CONNECTIONS_PER_PRINCIPAL: '20',
    });
    alice = await registerAndLogin(gateway.url, 'alice@fan-out.test');
    await createApiKey(gateway.url, alice.token, { name: 'alice laptop' });
  });

  afterAll(async () => {
    await Promise.all(subscribers.map((subscriber) => subscriber.dispose().catch(() => undefined)));
    await gateway?.close();
    await upstream?.close();
  });

  it(`runs the entity query once per event for ${SUBSCRIBERS} subscribers with the same document and credential, and all get the same payload`, async () => {
    unwatched = await fetchesOfOneEvent([]);
    const before = await openSubscriptions(gateway.url);
    const one = subscribe({ token: alice.token }, TRAINING);
    await subscriptionsRegistered(gateway.url, before + 1);
    const single = await fetchesOfOneEvent([one]);
    perExecution = Object.fromEntries(SUBGRAPHS.map((subgraph) => [subgraph, single[subgraph] - unwatched[subgraph]])) as Record<Subgraph, number>;
    // The entity query reaches all three subgraphs.
    expect(perExecution).toEqual({ 'agent-forge': expect.any(Number), auth: expect.any(Number), keys: expect.any(Number) });
    for (const subgraph of SUBGRAPHS) expect(perExecution[subgraph]).toBeGreaterThan(0);

    const group = [one, ...Array.from({ length: SUBSCRIBERS - 1 }, () => subscribe({ token: alice.token }, TRAINING))];
    await subscriptionsRegistered(gateway.url, before + SUBSCRIBERS);
    expect(await fetchesOfOneEvent(group)).toEqual(single);

    const payloads = group.map((subscription) => subscription.results.at(-1));
    expect(payloads[0]!.errors).toBeUndefined();
    expect(payloads[0]!.data!['trainingJobUpdated'].job.owner).toEqual({ email: 'alice@fan-out.test', apiKeys: [{ name: 'alice laptop' }] });
    for (const payload of payloads) expect(payload).toEqual(payloads[0]);
    for (const subscription of group) subscription.unsubscribe();
  });

  it('never shares a payload between subscribers with different rights: a key without read:keys gets its own refusal, the token its data', async () => {
    const { apiKey } = await createApiKey(gateway.url, alice.token, { name: 'models only', scopes: ['read:models', 'write:models'] });
    const before = await openSubscriptions(gateway.url);
    const withToken = subscribe({ token: alice.token }, TRAINING);
    const withKey = subscribe({ apiKey }, TRAINING);
    await subscriptionsRegistered(gateway.url, before + 2);
    const fetches = await fetchesOfOneEvent([withToken, withKey]);

    const [byToken] = withToken.results;
    const [byKey] = withKey.results;
    expect(byToken!.errors).toBeUndefined();
    expect(byToken!.data!['trainingJobUpdated'].job.owner.apiKeys).toHaveLength(2);
    expect(byKey!.data!['trainingJobUpdated']).toMatchObject({ kind: 'progress', job: { owner: { email: 'alice@fan-out.test', apiKeys: null } } });
    expect(byKey!.errors).toMatchObject([{ path: ['trainingJobUpdated', 'job', 'owner', 'apiKeys'], extensions: { code: 'INSUFFICIENT_PERMISSIONS' } }]);
    expect(byKey!.errors).toHaveLength(1);
    // Two groups, so two executions: each one's query plan starts at agent-forge.
    expect(fetches['agent-forge']).toBe(unwatched['agent-forge'] + 2 * perExecution['agent-forge']);
  });

  it('groups subscribers of an event-fields-only document across principals, each still getting only the events it is entitled to', async () => {
    const bob = await registerAndLogin(gateway.url, 'bob@fan-out.test');
    const query = 'subscription { trainingJobUpdated { kind jobId status } }';
    const before = await openSubscriptions(gateway.url);
    const alices = subscribe({ token: alice.token }, query);
    const bobs = subscribe({ token: bob.token }, query);
    await subscriptionsRegistered(gateway.url, before + 2);
    const started = await graphql(gateway.url, START, { input: { phaseName: 'cognate' } }, { token: alice.token });
    const [event] = await alices.received(1);
    expect(event!.data!['trainingJobUpdated']).toEqual({ kind: 'progress', jobId: started.data!['startTraining'].id, status: 'queued' });
    const bobStarted = await graphql(gateway.url, START, { input: { phaseName: 'cognate' } }, { token: bob.token });
    const [bobsEvent] = await bobs.received(1);
    expect(bobsEvent!.data!['trainingJobUpdated'].jobId).toBe(bobStarted.data!['startTraining'].id);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(alices.results).toHaveLength(1);
    expect(bobs.results).toHaveLength(1);
  });
});
