import type { z } from 'zod';
import { validationError } from './errors.ts';

/** Parses resolver input; the first problem becomes a VALIDATION_ERROR naming its field. */
export function validInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') || undefined;
  const missing = issue?.code === 'invalid_type' && /received undefined$/.test(issue.message);
  const message = field
    ? missing
      ? `Missing required field '${field}'`
      : `Invalid '${field}': ${issue?.message ?? 'invalid value'}`
    : (issue?.message ?? 'Invalid input');
  throw validationError(message, field);
}
