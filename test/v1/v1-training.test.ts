import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { startAIVillageUpstream, type AIVillageUpstream } from '../support/aivillage-upstream.ts';
import { login, registerAndLogin } from '../support/account-flows.ts';
import { ADMIN, startTestGateway } from '../support/gateway-harness.ts';
import { firstErrorCode, graphql, jsonOf } from '../support/graphql-client.ts';
import { startDownUpstream } from '../support/upstream-servers.ts';

const CALLBACK_SECRET = 'test-training-callback-secret-0123456789ab';
const redisUrl = process.env['REDIS_URL'];

const START = /* GraphQL */ `
  mutation ($input: StartTrainingInput!) {
    startTraining(input: $input) { id phaseName realTraining maxSteps batchSize status progress owner { id } }
  }
`;
const JOB = /* GraphQL */ `
  query ($id: ID!) {
    trainingJob(id: $id) { id status progress currentStep message modelId error completedAt owner { id email } }
  }
`;

describe('/v1 training: a persisted job from dispatch through signed callbacks to completion', () => {
  let upstream: AIVillageUpstream;
  let gateway: RunningGateway;
  let alice: { token: string; userId: string };
  let bob: { token: string; userId: string };
  let events: Redis | undefined;
  const published: Array<{ type: string; ownerId: string | null; payload: Record<string, unknown> }> = [];

  beforeAll(async () => {
    upstream = await startAIVillageUpstream();
    gateway = await startTestGateway({
      V1_UPSTREAMS: `agent-forge=${upstream.url}`,
      TRAINING_CALLBACK_SECRET: CALLBACK_SECRET,
      ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    });
    alice = await registerAndLogin(gateway.url, 'alice@v1.test');
    bob = await registerAndLogin(gateway.url, 'bob@v1.test');
    if (redisUrl) {
      // The events travel on the real bus, where the subscriptions will pick them up.
      events = new Redis(redisUrl);
      await events.subscribe('platform:events');
      events.on('message', (_channel: string, message: string) => published.push(JSON.parse(message)));
    }
  });

  afterAll(async () => {
    await events?.quit();
    await gateway?.close();
    await upstream?.close();
  });

  it('creates the job, dispatches it with a callback, and completes it from the upstream reports', async () => {
    const started = await graphql(gateway.url, START, { input: { phaseName: 'cognate', realTraining: true, maxSteps: 2000, batchSize: 2 } }, { token: alice.token });
    expect(started.errors).toBeUndefined();
    const job = started.data!['startTraining'];
    expect(job).toMatchObject({ phaseName: 'cognate', realTraining: true, maxSteps: 2000, batchSize: 2, status: 'queued', progress: 0, owner: { id: alice.userId } });

    const dispatch = upstream.dispatches.find((entry) => entry.job_id === job.id)!;
    expect(dispatch).toMatchObject({ phase_name: 'cognate', max_steps: 2000, batch_size: 2, real_training: true });
    expect(dispatch.callback.url).toBe(`${gateway.url}/v1/training/callback`);
    expect(dispatch.callback.secret.length).toBeGreaterThanOrEqual(40);
    expect(dispatch.principalHeader).toBeTruthy();

    const running = await upstream.report(job.id, { status: 'running', progress: 0.4, step: 800, message: 'epoch 1' });
    expect(running.status).toBe(200);
    expect(await jsonOf(running)).toMatchObject({ success: true, data: { job_id: job.id, status: 'running', progress: 0.4 } });
    const midway = await graphql(gateway.url, JOB, { id: job.id }, { token: alice.token });
    expect(midway.data!['trainingJob']).toMatchObject({ status: 'running', progress: 0.4, currentStep: 800, message: 'epoch 1', completedAt: null });

    const done = await upstream.report(job.id, { status: 'completed', progress: 1, step: 2000, model_id: 'cognate-model-777' });
    expect(done.status).toBe(200);
    const finished = await graphql(gateway.url, JOB, { id: job.id }, { token: alice.token });
    expect(finished.errors).toBeUndefined();
    expect(finished.data!['trainingJob']).toMatchObject({
      status: 'completed',
      progress: 1,
      currentStep: 2000,
      modelId: 'cognate-model-777',
      // owner.email is the auth subgraph's field, joined by the query plan.
      owner: { id: alice.userId, email: 'alice@v1.test' },
    });
    expect(finished.data!['trainingJob'].completedAt).toEqual(expect.any(String));

    // A late or replayed report is acknowledged and changes nothing.
    const late = await upstream.report(job.id, { status: 'running', progress: 0.5 });
    expect(late.status).toBe(200);
    expect(await jsonOf(late)).toMatchObject({ data: { status: 'completed', progress: 1 } });

    const mine = await graphql(gateway.url, '{ me { trainingJobs { id status } } trainingJobs(status: completed) { id } }', {}, { token: alice.token });
    expect(mine.errors).toBeUndefined();
    expect(mine.data!['me'].trainingJobs).toEqual([{ id: job.id, status: 'completed' }]);
    expect(mine.data!['trainingJobs']).toEqual([{ id: job.id }]);

    if (events) {
      await expect.poll(() => published.filter((event) => (event.payload as { jobId?: string }).jobId === job.id).map((event) => event.type)).toEqual([
        'training.progress',
        'training.progress',
        'training.completed',
      ]);
      // The Redis channel is shared with suites running alongside, so only this job's events are checked.
      const jobEvents = published.filter((event) => (event.payload as { jobId?: string }).jobId === job.id);
      expect(jobEvents.every((event) => event.ownerId === alice.userId)).toBe(true);
    }
  });

  it('refuses unsigned, forged, other-job, stale and malformed callbacks without touching the job', async () => {
    const started = await graphql(gateway.url, START, { input: { phaseName: 'evomerge' } }, { token: alice.token });
    const jobId = started.data!['startTraining'].id as string;
    const other = await graphql(gateway.url, START, { input: { phaseName: 'quietstar' } }, { token: bob.token });
    const otherSecret = upstream.dispatches.find((entry) => entry.job_id === other.data!['startTraining'].id)!.callback.secret;

    const unsigned = await fetch(`${gateway.url}/v1/training/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ job_id: jobId, status: 'completed', progress: 1 }),
    });
    expect(unsigned.status).toBe(401);
    expect(await jsonOf(unsigned)).toMatchObject({ success: false, error_code: 'AUTHENTICATION_REQUIRED' });

    const forged = await upstream.report(jobId, { status: 'completed', progress: 1 }, { secret: 'guessed-secret' });
    expect(forged.status).toBe(401);
    expect(await jsonOf(forged)).toMatchObject({ error: 'Invalid callback signature' });

    const crossJob = await upstream.report(jobId, { status: 'completed', progress: 1 }, { secret: otherSecret });
    expect(crossJob.status).toBe(401);

    const stale = await upstream.report(jobId, { status: 'completed', progress: 1 }, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect(stale.status).toBe(401);
    expect(await jsonOf(stale)).toMatchObject({ error: 'Callback timestamp is outside the allowed window' });

    const badProgress = await upstream.report(jobId, { status: 'running', progress: 7 });
    expect(badProgress.status).toBe(400);
    expect(await jsonOf(badProgress)).toMatchObject({ error_code: 'VALIDATION_ERROR', error: expect.stringContaining("'progress'") });

    const job = await graphql(gateway.url, JOB, { id: jobId }, { token: alice.token });
    expect(job.data!['trainingJob']).toMatchObject({ status: 'queued', progress: 0 });
  });

  it('shows a job only to its owner and admins', async () => {
    const started = await graphql(gateway.url, START, { input: { phaseName: 'bitnet' } }, { token: alice.token });
    const jobId = started.data!['startTraining'].id as string;
    const asBob = await graphql(gateway.url, JOB, { id: jobId }, { token: bob.token });
    expect(firstErrorCode(asBob)).toBe('RESOURCE_NOT_FOUND');
    const admin = await login(gateway.url, ADMIN.email, ADMIN.password);
    const asAdmin = await graphql(gateway.url, JOB, { id: jobId }, { token: admin.token });
    expect(asAdmin.data!['trainingJob']).toMatchObject({ id: jobId, owner: { email: 'alice@v1.test' } });
    const anonymous = await graphql(gateway.url, JOB, { id: jobId });
    expect(firstErrorCode(anonymous)).toBe('AUTHENTICATION_REQUIRED');
  });

  it('names the field of bad input and writes nothing', async () => {
    const before = await graphql(gateway.url, '{ trainingJobs(first: 100) { id } }', {}, { token: bob.token });
    const bad = await graphql(gateway.url, START, { input: { phaseName: 'Cognate Phase!', maxSteps: 10 } }, { token: bob.token });
    expect(firstErrorCode(bad)).toBe('VALIDATION_ERROR');
    expect(bad.errors?.[0]?.message).toContain("'phaseName'");
    const tooMany = await graphql(gateway.url, START, { input: { phaseName: 'cognate', maxSteps: 0 } }, { token: bob.token });
    expect(tooMany.errors?.[0]?.message).toContain("'maxSteps'");
    const after = await graphql(gateway.url, '{ trainingJobs(first: 100) { id } }', {}, { token: bob.token });
    expect(after.data!['trainingJobs']).toHaveLength(before.data!['trainingJobs'].length);
  });
});

describe('/v1 training when the upstream cannot take the job', () => {
  it('records a failed job when the upstream is down', async () => {
    const down = await startDownUpstream();
    const gateway = await startTestGateway({ V1_UPSTREAMS: `agent-forge=${down.url};retries=0` });
    try {
      const carol = await registerAndLogin(gateway.url, 'carol@v1.test');
      const refused = await graphql(gateway.url, START, { input: { phaseName: 'cognate' } }, { token: carol.token });
      expect(firstErrorCode(refused)).toBe('SERVICE_UNAVAILABLE');
      const jobs = await graphql(gateway.url, '{ trainingJobs { status error } }', {}, { token: carol.token });
      expect(jobs.data!['trainingJobs']).toEqual([{ status: 'failed', error: expect.stringContaining('Dispatch failed') }]);
    } finally {
      await gateway.close();
      await down.close();
    }
  }, 60_000);

  it('refuses without writing a job when no upstream is configured', async () => {
    const gateway = await startTestGateway({});
    try {
      const dave = await registerAndLogin(gateway.url, 'dave@v1.test');
      const none = await graphql(gateway.url, START, { input: { phaseName: 'cognate' } }, { token: dave.token });
      expect(firstErrorCode(none)).toBe('SERVICE_UNAVAILABLE');
      expect(none.errors?.[0]?.message).toBe("Service 'agent-forge' has no upstream configured");
      const noJobs = await graphql(gateway.url, '{ trainingJobs { id } }', {}, { token: dave.token });
      expect(noJobs.data!['trainingJobs']).toEqual([]);
    } finally {
      await gateway.close();
    }
  }, 60_000);
});
