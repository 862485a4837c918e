import type { IncomingMessage } from 'node:http';
import { validationError } from '../errors/errors.ts';

/** Reads the whole body, refusing (without buffering the rest) once it passes the limit. */
export async function readBody(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) {
    request.resume();
    throw validationError(`Request body exceeds the limit of ${limitBytes} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) {
      request.resume();
      throw validationError(`Request body exceeds the limit of ${limitBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON body; malformed JSON is the client's error, named as such. */
export function parseJsonBody(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw validationError('Malformed JSON in request body');
  }
}
