import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { payloadTooLarge, validationError } from '../../core/errors/errors.ts';

export interface ImportUpload {
  /** The form fields sent before the file. */
  readonly fields: Readonly<Record<string, string>>;
  readonly filename: string;
}

/**
 * Streams the `file` field of a multipart/form-data import into `consume` as it
 * arrives, with the form fields that preceded it (they must come first: the
 * rows are checked against the mutation they name while the file streams). A
 * file passing `maxBytes` fails its stream with PAYLOAD_TOO_LARGE, which the
 * consumer's read throws.
 */
export function receiveImportUpload<T>(request: IncomingMessage, maxBytes: number, consume: (stream: Readable, upload: ImportUpload) => Promise<T>): Promise<T> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes + 64 * 1024) {
    request.resume();
    return Promise.reject(payloadTooLarge(maxBytes));
  }
  if (!/^multipart\/form-data/i.test(request.headers['content-type'] ?? '')) {
    request.resume();
    return Promise.reject(validationError("Expected multipart/form-data with the fields 'mutation' and 'mapping', then a 'file'", 'file'));
  }
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: request.headers, limits: { files: 1, fields: 20, fieldSize: 64 * 1024, fileSize: maxBytes } });
    } catch {
      request.resume();
      reject(validationError('Malformed multipart/form-data request (no boundary)', 'file'));
      return;
    }
    const fields: Record<string, string> = {};
    let pending: Promise<T> | undefined;
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      request.unpipe(parser);
      request.resume();
      reject(error);
    };
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (name !== 'file' || pending) {
        stream.resume();
        return;
      }
      // The reader sees the error when it reads on; until then it must not be an unhandled 'error' event.
      stream.on('error', () => undefined);
      stream.once('limit', () => stream.destroy(payloadTooLarge(maxBytes)));
      pending = consume(stream, { fields: { ...fields }, filename: info.filename || 'upload' });
      pending.catch(fail);
    });
    parser.on('filesLimit', () => fail(validationError("Send exactly one file in 'file'", 'file')));
    parser.on('error', () => fail(validationError('Malformed multipart/form-data body', 'file')));
    parser.on('close', () => {
      if (failed) return;
      if (!pending) return fail(validationError("Missing file field 'file'", 'file'));
      pending.then(resolve, fail);
    });
    request.on('error', fail);
    request.pipe(parser);
  });
}
