import type { IncomingMessage } from 'node:http';
import { payloadTooLarge, validationError } from '../errors/errors.ts';
import { assertJsonInput } from './json-input.ts';

/** Reads the whole body, refusing (without buffering the rest) once it passes the limit. */
export async function readBody(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) {
    request.resume();
    throw payloadTooLarge(limitBytes);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) {
      request.resume();
      throw payloadTooLarge(limitBytes);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON body; malformed JSON and what `findJsonInputProblem` refuses are the client's error, named as such. */
export function parseJsonBody(raw: Buffer, maxDepth: number): unknown {
  if (raw.length === 0) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw validationError('Malformed JSON in request body');
  }
  assertJsonInput(parsed, maxDepth);
  return parsed;
}
