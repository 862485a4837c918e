import { z } from 'zod';

/** What the upstream may say about a job in one callback (snake_case, as the seed's services speak). */
export const trainingReportSchema = z.object({
  job_id: z.string().uuid(),
  status: z.enum(['running', 'completed', 'failed']),
  progress: z.number().min(0).max(1),
  step: z.number().int().min(0).optional(),
  message: z.string().max(1000).optional(),
  model_id: z.string().min(1).max(200).optional(),
  error: z.string().max(1000).optional(),
});

export type TrainingReport = z.infer<typeof trainingReportSchema>;
