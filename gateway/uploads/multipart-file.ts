import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { payloadTooLarge, validationError } from '../../core/errors/errors.ts';
import { containThrows, promiseOf } from '../../core/faults/contain.ts';

export interface IncomingFile {
  readonly filename: string;
  readonly contentType: string;
  /** The form fields sent before the file (a field after it is too late to steer its reading). */
  readonly fields: Readonly<Record<string, string>>;
}

export interface OneFileOptions {
  /** The file field's name. */
  readonly field: string;
  /** The largest file taken; passing it fails the file's stream with PAYLOAD_TOO_LARGE. @default no limit here */
  readonly maxBytes?: number;
  /** What to send, for the refusal of a body that is not multipart, e.g. "the fields 'mutation' and 'mapping', then a 'file'". */
  readonly expected: string;
}

/** Multipart overhead (boundaries, part headers, the fields) allowed beyond the file itself. */
const FORM_OVERHEAD_BYTES = 64 * 1024;
const LIMITS = { files: 1, fields: 20, fieldSize: 64 * 1024, parts: 40 } as const;

/**
 * Streams the one file of a multipart/form-data request into `consume` as it
 * arrives (nothing is buffered whole), with the fields that preceded it. A body
 * that is not multipart, a second file, a field sent twice, a missing file or a
 * truncated body is the client's error, named as such. Whatever `consume` or a
 * parser callback throws, synchronously or not, rejects the returned promise:
 * these callbacks run inside busboy's event handlers, where an escaping throw
 * would end the process.
 */
export function receiveOneFile<T>(
  request: IncomingMessage,
  options: OneFileOptions,
  consume: (stream: Readable, file: IncomingFile) => Promise<T> | T,
): Promise<{ file: IncomingFile; result: T }> {
  const { field, maxBytes } = options;
  const declared = Number(request.headers['content-length']);
  if (maxBytes !== undefined && Number.isFinite(declared) && declared > maxBytes + FORM_OVERHEAD_BYTES) {
    request.resume();
    return Promise.reject(payloadTooLarge(maxBytes));
  }
  if (!/^multipart\/form-data/i.test(request.headers['content-type'] ?? '')) {
    request.resume();
    return Promise.reject(validationError(`Expected multipart/form-data with ${options.expected}`, field));
  }
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: request.headers, limits: { ...LIMITS, ...(maxBytes === undefined ? {} : { fileSize: maxBytes }) } });
    } catch {
      request.resume();
      reject(validationError('Malformed multipart/form-data request (no boundary)', field));
      return;
    }
    const fields = new Map<string, string>();
    let pending: Promise<{ file: IncomingFile; result: T }> | undefined;
    let failed = false;
    const fail = (error: unknown): void => {
      if (failed) return;
      failed = true;
      request.unpipe(parser);
      request.resume();
      reject(error);
    };
    const on = <A extends unknown[]>(event: string, listener: (...args: A) => void): void => {
      parser.on(event, containThrows(listener, fail));
    };
    on('field', (name: string, value: string, info: busboy.FieldInfo) => {
      if (info.valueTruncated) throw validationError(`Field '${name}' is longer than ${LIMITS.fieldSize} bytes`, name);
      if (fields.has(name)) throw validationError(`Field '${name}' was sent twice`, name);
      fields.set(name, value);
    });
    on('file', (name: string, stream: Readable, info: busboy.FileInfo) => {
      if (name !== field || pending) {
        stream.resume();
        if (name === field) fail(validationError(`Send exactly one file in '${field}'`, field));
        return;
      }
      // The reader sees the error when it reads on; until then it must not be an unhandled 'error' event.
      stream.on('error', () => undefined);
      if (maxBytes !== undefined) stream.once('limit', () => stream.destroy(payloadTooLarge(maxBytes)));
      const file: IncomingFile = { filename: info.filename || 'upload', contentType: info.mimeType || 'application/octet-stream', fields: Object.fromEntries(fields) };
      pending = promiseOf(() => consume(stream, file)).then((result) => ({ file, result }));
      pending.catch((error: unknown) => {
        // A consumer that gave up early leaves the rest of the file unread; drain it so the form can end.
        stream.resume();
        fail(error);
      });
    });
    on('filesLimit', () => fail(validationError(`Send exactly one file in '${field}'`, field)));
    on('fieldsLimit', () => fail(validationError(`Too many form fields (at most ${LIMITS.fields})`, field)));
    on('partsLimit', () => fail(validationError(`Too many form parts (at most ${LIMITS.parts})`, field)));
    on('error', () => fail(validationError('Malformed or truncated multipart/form-data body', field)));
    on('close', () => {
      if (failed) return;
      if (!pending) return fail(validationError(`Missing file field '${field}'`, field));
      pending.then(resolve, fail);
    });
    request.on('error', fail);
    request.pipe(parser);
  });
}
