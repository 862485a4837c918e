import { z } from 'zod';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { TrainingJob } from '../../prisma/generated/client.ts';
import { notFound, serviceUnavailable, unauthenticated, validationError } from '../../core/errors/errors.ts';
import { upstreamCaller } from '../shared/call-upstream.ts';
import type { SubgraphContext } from '../../core/identity/subgraph-context.ts';
import { requirePrincipal } from '../shared/require-principal.ts';
import type { SubgraphServices } from '../shared/services.ts';
import { validInput } from '../../core/errors/validate-input.ts';
import { CALLBACK_SIGNATURE_SCHEME, checkCallbackSignature, jobCallbackSecret, TRAINING_CALLBACK_PATH } from '../../core/signatures/training-callback.ts';
import { applyTrainingReport, publishTrainingEvent } from './training-jobs.ts';
import { trainingReportSchema } from './training-report.ts';
import { chatReplyOf, trainedModelsOf, upstreamJobIdOf } from './upstream-shapes.ts';
import { isUuid } from '../shared/ids.ts';


const startTrainingInput = z.object({
  phaseName: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a phase name like cognate (lowercase letters, digits, - or _)'),
  realTraining: z.boolean().nullish().transform((value) => value ?? false),
  maxSteps: z.number().int().min(1).max(1_000_000).nullish().transform((value) => value ?? 1000),
  batchSize: z.number().int().min(1).max(4096).nullish().transform((value) => value ?? 2),
});

const chatInput = z.object({
  modelId: z.string().min(1).max(200),
  message: z.string().min(1).max(32_000),
  conversationId: z.string().min(1).max(200).nullish(),
});

const listArgs = z.object({
  first: z.number().int().min(1).max(100).nullish().transform((value) => value ?? 20),
  status: z.enum(['queued', 'running', 'completed', 'failed']).nullish(),
});

const SERVICE = 'agent-forge';
const SUBJECT = `Service '${SERVICE}'`;

export function agentForgeResolvers(services: SubgraphServices): GraphQLResolverMap<SubgraphContext> {
  const { prisma, events, logger } = services;
  const upstream = upstreamCaller(services.moduleUpstreams, SERVICE, SUBJECT);

  const jobsOf = (ownerId: string, first: number, status?: TrainingJob['status'] | null) =>
    prisma.trainingJob.findMany({ where: { ownerId, ...(status ? { status } : {}) }, orderBy: { createdAt: 'desc' }, take: first });

  const dispatch = async (job: TrainingJob, context: SubgraphContext): Promise<TrainingJob> => {
    try {
      const accepted = await upstream.json(
        {
          method: 'POST',
          path: '/v1/models/train',
          body: {
            job_id: job.id,
            phase_name: job.phaseName,
            real_training: job.realTraining,
            max_steps: job.maxSteps,
            batch_size: job.batchSize,
            callback: {
              url: `${services.v1.publicUrl()}${TRAINING_CALLBACK_PATH}`,
              secret: jobCallbackSecret(services.v1.secret, job.id),
              signature: CALLBACK_SIGNATURE_SCHEME,
            },
          },
        },
        context,
      );
      const upstreamJobId = upstreamJobIdOf(accepted);
      return upstreamJobId ? prisma.trainingJob.update({ where: { id: job.id }, data: { upstreamJobId } }) : job;
    } catch (error) {
      // The job stays, finished as failed, so the caller can see what happened to it.
      const failed = await prisma.trainingJob.update({
        where: { id: job.id },
        data: { status: 'failed', error: `Dispatch failed: ${(error as Error).message}`, completedAt: new Date() },
      });
      await publishTrainingEvent(events, failed).catch((cause: unknown) => logger.warn({ err: cause }, 'could not publish a training event'));
      throw error;
    }
  };

  return {
    Query: {
      models: async (_parent, _args, context: SubgraphContext) => trainedModelsOf(await upstream.json({ method: 'GET', path: '/v1/models' }, context)),
      trainingJob: async (_parent, args: { id: string }, context: SubgraphContext) => {
        const principal = requirePrincipal(context);
        const job = isUuid(args.id) ? await prisma.trainingJob.findUnique({ where: { id: args.id } }) : null;
        // Someone else's job is reported as missing, not as forbidden: ids are not to be probed.
        if (!job || (job.ownerId !== principal.userId && principal.tier !== 'admin')) throw notFound(`Training job '${args.id}' not found`);
        return job;
      },
      trainingJobs: async (_parent, args: unknown, context: SubgraphContext) => {
        const principal = requirePrincipal(context);
        const input = validInput(listArgs, args);
        return jobsOf(principal.userId, input.first, input.status);
      },
    },
    Mutation: {
      startTraining: async (_parent, args: { input: unknown }, context: SubgraphContext) => {
        const principal = requirePrincipal(context);
        const input = validInput(startTrainingInput, args.input);
        // Refuse before writing anything when there is nowhere to send the job.
        if (!upstream.configured()) throw serviceUnavailable(`${SUBJECT} has no upstream configured`);
        const job = await prisma.trainingJob.create({ data: { ownerId: principal.userId, ...input } });
        await publishTrainingEvent(events, job);
        return dispatch(job, context);
      },
      chat: async (_parent, args: { input: unknown }, context: SubgraphContext) => {
        const input = validInput(chatInput, args.input);
        const answer = await upstream.json(
          {
            method: 'POST',
            path: '/v1/chat',
            body: { model_id: input.modelId, message: input.message, ...(input.conversationId ? { conversation_id: input.conversationId } : {}) },
          },
          context,
        );
        return chatReplyOf(answer, input.modelId, input.conversationId ?? null);
      },
      reportTrainingProgress: async (_parent, args: { body: string; timestamp: string; signature: string }) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(args.body);
        } catch {
          throw validationError('Malformed JSON in callback body', 'body');
        }
        const jobId = (parsed as { job_id?: unknown } | null)?.job_id;
        if (typeof jobId !== 'string') throw validationError("Invalid 'job_id': required", 'job_id');
        // The signature is checked before the report's content is trusted or even validated in detail.
        const check = checkCallbackSignature({ masterSecret: services.v1.secret, jobId, timestamp: args.timestamp, signature: args.signature, body: args.body });
        if (!check.ok) throw unauthenticated(check.reason);
        const report = validInput(trainingReportSchema, parsed);
        const outcome = await applyTrainingReport(prisma, report);
        if (!outcome) throw notFound(`Training job '${report.job_id}' not found`);
        if (outcome.changed) {
          await publishTrainingEvent(events, outcome.job).catch((cause: unknown) => logger.warn({ err: cause }, 'could not publish a training event'));
        }
        return outcome.job;
      },
    },
    TrainingJob: {
      __resolveReference: (reference: { id: string }) =>
        isUuid(reference.id) ? prisma.trainingJob.findUnique({ where: { id: reference.id } }) : null,
      owner: (job: TrainingJob) => ({ __typename: 'User', id: job.ownerId }),
    },
    User: {
      __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
      trainingJobs: (user: { id: string }, args: unknown) => {
        const input = validInput(listArgs.pick({ first: true }), args);
        return jobsOf(user.id, input.first);
      },
    },
  } as GraphQLResolverMap<SubgraphContext>;
}
