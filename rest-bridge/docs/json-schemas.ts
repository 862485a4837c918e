import { z } from 'zod';
import { ERROR_CODES } from '../../core/errors/error-codes.ts';

/** A JSON Schema (2020-12) as the OpenAPI 3.1 document holds it. */
export type JsonSchema = Record<string, unknown>;

/** The JSON Schema of what a zod schema accepts (`input`) or what the code that parses with it produces (`output`). */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

export const ERROR_ENVELOPE: JsonSchema = {
  type: 'object',
  required: ['success', 'error', 'error_code', 'timestamp', 'request_id'],
  properties: {
    success: { const: false },
    error: { type: 'string' },
    error_code: { type: 'string', enum: Object.keys(ERROR_CODES) },
    message: { type: 'string' },
    reason: {
      type: 'string',
      description: 'What the client should do, where the code alone does not say: MFA_ENROLMENT_REQUIRED (enrol a second factor, then sign in again), TOKEN_EXPIRED (refresh), TRUSTED_DOCUMENT_REQUIRED, …',
    },
    timestamp: { type: 'string' },
    request_id: { type: 'string' },
  },
};

/** `{success, data, message?, timestamp, request_id}` (CONTRACT.md section 4); `success` is false only where a route answers a report with a failure status. */
export const envelopeSchema = (data: JsonSchema, success = true): JsonSchema => ({
  type: 'object',
  required: ['success', 'data', 'timestamp', 'request_id'],
  properties: { success: { const: success }, data, message: { type: 'string' }, timestamp: { type: 'string' }, request_id: { type: 'string' } },
});

const ERROR_CONTENT = { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } };

/** Every status of the one error table, each answered with the error envelope. */
export const ERROR_RESPONSES: Readonly<Record<string, { description: string; content: typeof ERROR_CONTENT }>> = Object.fromEntries(
  Object.entries(ERROR_CODES).map(([code, { status }]) => [status, { description: code, content: ERROR_CONTENT }]),
);

export const errorResponse = (description: string) => ({ description, content: ERROR_CONTENT });
