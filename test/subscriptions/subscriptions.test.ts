import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { createApiKey, login, registerAndLogin, userOfTier } from '../support/account-flows.ts';
import { startAIVillageUpstream, type AIVillageUpstream } from '../support/aivillage-upstream.ts';
import { ADMIN, startTestGateway } from '../support/gateway-harness.ts';
import { graphql } from '../support/graphql-client.ts';
import { connectSubscriber, openSubscriptions, subscriptionsDroppedTo, subscriptionsRegistered, waitFor, wsUrlOf, type TestSubscriber } from '../support/subscription-client.ts';

const CALLBACK_SECRET = 'test-training-callback-secret-0123456789ab';
const START = 'mutation($input: StartTrainingInput!) { startTraining(input: $input) { id } }';
// Fields from three subgraphs on each event: agent-forge (the event, the job), auth (email), keys (apiKeys).
const TRAINING = /* GraphQL */ `
  subscription ($jobId: ID) {
    trainingJobUpdated(jobId: $jobId) {
      kind status progress jobId
      job { id phaseName status owner { id email apiKeys { name } } }
    }
  }
`;

describe('graphql-ws subscriptions on /graphql, with fields from other subgraphs per event', () => {
  let upstream: AIVillageUpstream;
  let gateway: RunningGateway;
  let alice: { token: string; userId: string };
  let bob: { token: string; userId: string };
  let admin: { token: string; userId: string };
  const subscribers: TestSubscriber[] = [];
  const connect = (params: Record<string, unknown> | undefined, headers: Record<string, string> = {}) => {
    const subscriber = connectSubscriber(gateway.url, params, headers);
    subscribers.push(subscriber);
    return subscriber;
  };
  const startJob = async (token: string): Promise<string> => {
    const started = await graphql(gateway.url, START, { input: { phaseName: 'cognate' } }, { token });
    expect(started.errors).toBeUndefined();
    return started.data!['startTraining'].id;
  };

  beforeAll(async () => {
    upstream = await startAIVillageUpstream();
    gateway = await startTestGateway({ V1_UPSTREAMS: `agent-forge=${upstream.url}`, TRAINING_CALLBACK_SECRET: CALLBACK_SECRET, SUBSCRIPTION_MAX_CONNECTIONS_PER_PRINCIPAL: '3' });
    alice = await registerAndLogin(gateway.url, 'alice@subs.test');
    bob = await registerAndLogin(gateway.url, 'bob@subs.test');
    admin = await login(gateway.url, ADMIN.email, ADMIN.password);
    await createApiKey(gateway.url, alice.token, { name: 'alice laptop' });
  });

  afterAll(async () => {
    await Promise.all(subscribers.map((subscriber) => subscriber.dispose().catch(() => undefined)));
    await gateway?.close();
    await upstream?.close();
  });

  it("delivers a job's progress and completion with its owner's email (auth) and keys (keys), then unsubscribes", async () => {
    const before = await openSubscriptions(gateway.url);
    const subscription = connect({ authorization: `Bearer ${alice.token}` }).subscribe(TRAINING);
    const bobs = connect({ token: bob.token }).subscribe(TRAINING);
    const admins = connect(undefined, { authorization: `Bearer ${admin.token}` }).subscribe(TRAINING);
    await subscriptionsRegistered(gateway.url, before + 3);

    const jobId = await startJob(alice.token);
    await upstream.report(jobId, { status: 'running', progress: 0.5, step: 500 });
    await upstream.report(jobId, { status: 'completed', progress: 1, model_id: 'cognate-model-1' });

    const results = await subscription.received(3);
    expect(results.map((result) => result.errors)).toEqual([undefined, undefined, undefined]);
    expect(results.map((result) => result.data!['trainingJobUpdated'])).toMatchObject([
      { kind: 'progress', status: 'queued', progress: 0, jobId },
      { kind: 'progress', status: 'running', progress: 0.5, jobId },
      { kind: 'completed', status: 'completed', progress: 1, jobId },
    ]);
    expect(results[2]!.data!['trainingJobUpdated'].job).toEqual({
      id: jobId,
      phaseName: 'cognate',
      status: 'completed',
      owner: { id: alice.userId, email: 'alice@subs.test', apiKeys: [{ name: 'alice laptop' }] },
    });

    // An admin sees every user's events, and may read their fields.
    const adminResults = await admins.received(3);
    expect(adminResults[2]!.data!['trainingJobUpdated'].job.owner.email).toBe('alice@subs.test');

    subscription.unsubscribe();
    expect(await subscription.ended).toEqual({ completed: true });
    await subscriptionsDroppedTo(gateway.url, before + 2);
    // Another user's events never reach bob.
    expect(bobs.results).toEqual([]);
  });

  it("gives another user nothing even when they name the job, and narrows to one job with jobId", async () => {
    const aliceJob = await startJob(alice.token);
    const before = await openSubscriptions(gateway.url);
    const bobPeeking = connect({ token: bob.token }).subscribe(TRAINING, { jobId: aliceJob });
    const aliceOther = connect({ token: alice.token }).subscribe(TRAINING, { jobId: aliceJob });
    await subscriptionsRegistered(gateway.url, before + 2);
    await startJob(alice.token);
    await upstream.report(aliceJob, { status: 'running', progress: 0.2 });
    const [only] = await aliceOther.received(1);
    expect(only!.data!['trainingJobUpdated']).toMatchObject({ jobId: aliceJob, progress: 0.2 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(aliceOther.results).toHaveLength(1);
    expect(bobPeeking.results).toEqual([]);
  });

  it("runs queries sent over the socket through the gateway with the connection's identity", async () => {
    const subscriber = connect({ token: alice.token });
    const query = subscriber.subscribe('{ me { email } trainingJob(id: "00000000-0000-0000-0000-000000000000") { id } }');
    expect(await query.ended).toEqual({ completed: true });
    expect(query.results).toMatchObject([
      { data: { me: { email: 'alice@subs.test' } }, errors: [{ path: ['trainingJob'], extensions: { code: 'RESOURCE_NOT_FOUND' } }] },
    ]);
  });

  it('refuses a connection without credentials, or with bad ones, with 4401', async () => {
    const anonymous = connect(undefined);
    const ended = anonymous.subscribe(TRAINING).ended;
    expect(await anonymous.closed).toMatchObject({ code: 4401 });
    expect(await ended).toHaveProperty('error');
    const forged = connect({ authorization: 'Bearer not-a-token' });
    forged.subscribe(TRAINING);
    expect((await forged.closed).code).toBe(4401);
  });

  it('refuses a subscription the credential lacks the scope for, keeping the connection', async () => {
    const { apiKey } = await createApiKey(gateway.url, alice.token, { name: 'keys only', scopes: ['read:keys'] });
    const subscriber = connect({ apiKey });
    const refused = subscriber.subscribe(TRAINING);
    expect(await refused.ended).toEqual({ completed: true });
    expect(refused.results).toMatchObject([{ errors: [{ message: "This credential lacks the 'read:models' scope", extensions: { code: 'INSUFFICIENT_PERMISSIONS' } }] }]);
    const before = await openSubscriptions(gateway.url);
    const allowed = subscriber.subscribe('subscription { apiKeyChanged { kind keyId key { name owner { email } } } }');
    await subscriptionsRegistered(gateway.url, before + 1);
    const created = await createApiKey(gateway.url, alice.token, { name: 'watched' });
    const [event] = await allowed.received(1);
    expect(event!.data!['apiKeyChanged']).toEqual({ kind: 'created', keyId: created.id, key: { name: 'watched', owner: { email: 'alice@subs.test' } } });
  });

  it("applies the other subgraphs' rules to each event: a key without read:keys gets the event, not the owner's keys", async () => {
    const { apiKey } = await createApiKey(gateway.url, alice.token, { name: 'models only', scopes: ['read:models', 'write:models'] });
    const before = await openSubscriptions(gateway.url);
    const subscription = connect({ apiKey }).subscribe(TRAINING);
    await subscriptionsRegistered(gateway.url, before + 1);
    const jobId = await startJob(alice.token);
    const [event] = await subscription.received(1);
    // User.apiKeys is nullable: the refusal nulls the keys alone, the job and its owner's email still arrive.
    expect(event!.data!['trainingJobUpdated']).toMatchObject({ kind: 'progress', jobId, job: { id: jobId, owner: { email: 'alice@subs.test', apiKeys: null } } });
    expect(event!.errors).toMatchObject([{ path: ['trainingJobUpdated', 'job', 'owner', 'apiKeys'], extensions: { code: 'INSUFFICIENT_PERMISSIONS' } }]);
    expect(event!.errors).toHaveLength(1);
  });

  it('ends the connection with 4401 when its API key is revoked', async () => {
    const { apiKey, id } = await createApiKey(gateway.url, bob.token, { name: 'to revoke' });
    const before = await openSubscriptions(gateway.url);
    const subscriber = connect({ apiKey });
    subscriber.subscribe(TRAINING);
    await subscriptionsRegistered(gateway.url, before + 1);
    const revoked = await graphql(gateway.url, 'mutation($id: ID!) { revokeApiKey(id: $id) { status } }', { id }, { token: bob.token });
    expect(revoked.errors).toBeUndefined();
    expect(await subscriber.closed).toEqual({ code: 4401, reason: 'API key revoked' });
    await subscriptionsDroppedTo(gateway.url, before);
  });

  it('caps open connections per principal with 4429', async () => {
    const carol = await registerAndLogin(gateway.url, 'carol@subs.test');
    const before = await openSubscriptions(gateway.url);
    const open = Array.from({ length: 3 }, () => connect({ token: carol.token }));
    open.forEach((subscriber) => subscriber.subscribe(TRAINING));
    await subscriptionsRegistered(gateway.url, before + 3);
    const extra = connect({ token: carol.token });
    extra.subscribe(TRAINING);
    expect((await extra.closed).code).toBe(4429);
  });

  it('announces a usage threshold crossing once, with the key it concerns', async () => {
    const dora = await userOfTier(gateway.url, 'dora@subs.test', 'pro', ADMIN);
    const { apiKey } = await createApiKey(gateway.url, dora.token, { name: 'five a minute', limitPerMinute: 5 });
    const before = await openSubscriptions(gateway.url);
    const subscription = connect({ token: dora.token }).subscribe('subscription { usageThresholdCrossed { threshold window limit apiKey { name } } }');
    await subscriptionsRegistered(gateway.url, before + 1);
    for (let call = 0; call < 6; call += 1) await graphql(gateway.url, '{ me { id } }', {}, { apiKey });
    const results = await subscription.received(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(results.map((result) => result.data!['usageThresholdCrossed'])).toEqual([
      { threshold: 80, window: 'minute', limit: 5, apiKey: { name: 'five a minute' } },
      { threshold: 100, window: 'minute', limit: 5, apiKey: { name: 'five a minute' } },
    ]);
  });

  it('legacy /ws: ping gets pong, training events arrive as training_progress and training_complete', async () => {
    const before = await openSubscriptions(gateway.url);
    const socket = new WebSocket(`${wsUrlOf(gateway.url, '/ws')}?token=${alice.token}`);
    const messages: Array<Record<string, unknown>> = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data))));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.send(JSON.stringify({ type: 'ping' }));
    await waitFor(() => messages.some((message) => message['type'] === 'pong'), 10_000, 'pong');
    await subscriptionsRegistered(gateway.url, before + 1);
    const jobId = await startJob(alice.token);
    await upstream.report(jobId, { status: 'running', progress: 0.3 });
    await upstream.report(jobId, { status: 'completed', progress: 1, model_id: 'm-9' });
    await waitFor(() => messages.some((message) => message['type'] === 'training_complete'), 10_000, 'training_complete');
    expect(messages.filter((message) => message['job_id'] === jobId)).toMatchObject([
      { type: 'training_progress', status: 'queued', progress: 0 },
      { type: 'training_progress', status: 'running', progress: 0.3 },
      { type: 'training_complete', status: 'completed', progress: 1, model_id: 'm-9' },
    ]);
    // The seed's clients sent no credentials: they keep ping/pong and get no one's events.
    const anonymous = new WebSocket(wsUrlOf(gateway.url, '/ws'));
    const heard: Array<Record<string, unknown>> = [];
    anonymous.on('message', (data) => heard.push(JSON.parse(String(data))));
    await new Promise((resolve) => anonymous.once('open', resolve));
    anonymous.send(JSON.stringify({ type: 'ping' }));
    await upstream.report(await startJob(alice.token), { status: 'running', progress: 0.1 });
    await waitFor(() => heard.length > 0, 10_000, 'anonymous pong');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(heard.map((message) => message['type'])).toEqual(['pong']);
    socket.close();
    anonymous.close();
    await subscriptionsDroppedTo(gateway.url, before);
  });

  // Last: it shuts the gateway down.
  it('on shutdown delivers the events already accepted, then sends a close frame', async () => {
    const before = await openSubscriptions(gateway.url);
    const subscriber = connect({ token: alice.token });
    const subscription = subscriber.subscribe(TRAINING);
    await subscriptionsRegistered(gateway.url, before + 1);
    const jobId = await startJob(alice.token);
    await upstream.report(jobId, { status: 'running', progress: 0.9 });
    const closing = gateway.close();
    expect((await subscriber.closed).code).toBe(1001);
    await closing;
    expect(subscription.results.map((result) => result.data!['trainingJobUpdated'].progress)).toEqual([0, 0.9]);
    expect(subscription.results[1]!.data!['trainingJobUpdated'].job.owner.email).toBe('alice@subs.test');
  });
});
