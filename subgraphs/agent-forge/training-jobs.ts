import type { PrismaClient, TrainingJob } from '../../prisma/generated/client.ts';
import { platformEvent, type EventBus } from '../../core/events/event-bus.ts';
import type { EventType, TrainingEventPayload } from '../../schema/events.ts';
import type { TrainingReport } from './training-report.ts';

const FINISHED = new Set(['completed', 'failed']);

const EVENT_OF_STATUS: Readonly<Record<TrainingJob['status'], Extract<EventType, `training.${string}`>>> = {
  queued: 'training.progress',
  running: 'training.progress',
  completed: 'training.completed',
  failed: 'training.failed',
};

export function trainingEventPayload(job: TrainingJob): TrainingEventPayload {
  return {
    jobId: job.id,
    status: job.status,
    progress: job.progress,
    step: job.currentStep,
    message: job.message,
    modelId: job.modelId,
  };
}

export async function publishTrainingEvent(events: EventBus, job: TrainingJob): Promise<void> {
  await events.publish(platformEvent(EVENT_OF_STATUS[job.status], job.ownerId, trainingEventPayload(job)));
}

/**
 * Applies one upstream report. The update is conditional (job unfinished,
 * progress not going backwards), so concurrent, late or replayed reports can
 * never move a job back or reopen it: they are acknowledged and change nothing.
 * Returns the job and whether this report changed it.
 */
export async function applyTrainingReport(prisma: PrismaClient, report: TrainingReport): Promise<{ job: TrainingJob; changed: boolean } | null> {
  const finishing = FINISHED.has(report.status);
  const { count } = await prisma.trainingJob.updateMany({
    where: { id: report.job_id, status: { in: ['queued', 'running'] }, progress: { lte: report.progress } },
    data: {
      status: report.status,
      progress: report.status === 'completed' ? 1 : report.progress,
      ...(report.step === undefined ? {} : { currentStep: report.step }),
      ...(report.message === undefined ? {} : { message: report.message }),
      ...(report.model_id === undefined ? {} : { modelId: report.model_id }),
      ...(report.error === undefined ? {} : { error: report.error }),
      ...(finishing ? { completedAt: new Date() } : {}),
    },
  });
  const job = await prisma.trainingJob.findUnique({ where: { id: report.job_id } });
  return job ? { job, changed: count > 0 } : null;
}
