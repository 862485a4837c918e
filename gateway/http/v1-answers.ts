import { z } from 'zod';

/** `data` of `POST /v1/upload`: the upload as recorded (a file the upstream could not take is a 503 instead). */
export const uploadAnswerSchema = z.object({
  upload_id: z.string(),
  filename: z.string(),
  content_type: z.string(),
  size_bytes: z.number().int(),
  sha256: z.string().describe('Hex SHA-256 of the stored bytes'),
  status: z.enum(['stored', 'forwarded']).describe('forwarded: the knowledge upstream accepted the link to the file; stored: it has not been told yet'),
  created_at: z.string(),
});

/** `data` of `POST /v1/training/callback`: the job after the report was applied. */
export const trainingProgressAnswerSchema = z.object({
  job_id: z.string(),
  status: z.enum(['queued', 'running', 'completed', 'failed']),
  progress: z.number().min(0).max(1),
});
