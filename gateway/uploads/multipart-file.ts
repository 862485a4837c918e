import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { validationError } from '../../core/errors/errors.ts';

export interface IncomingFile {
  readonly filename: string;
  readonly contentType: string;
}

/**
 * Streams the one file field of a multipart/form-data request into `consume`
 * as it arrives (nothing is buffered whole). Other fields are ignored; a second
 * file, a missing file field or a body that is not multipart is the client's
 * error, named as such.
 */
export function receiveMultipartFile<T>(
  request: IncomingMessage,
  field: string,
  consume: (stream: Readable, file: IncomingFile) => Promise<T>,
): Promise<{ file: IncomingFile; result: T }> {
  const type = request.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(type)) {
    request.resume();
    return Promise.reject(validationError(`Expected multipart/form-data with a '${field}' file field`, field));
  }
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: request.headers, limits: { files: 1, fields: 20, fieldSize: 64 * 1024 } });
    } catch {
      request.resume();
      reject(validationError('Malformed multipart/form-data request (no boundary)', field));
      return;
    }
    let pending: Promise<{ file: IncomingFile; result: T }> | undefined;
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      request.unpipe(parser);
      request.resume();
      reject(error);
    };
    parser.on('file', (name, stream, info) => {
      if (name !== field || pending) {
        stream.resume();
        return;
      }
      const file = { filename: info.filename || 'upload', contentType: info.mimeType || 'application/octet-stream' };
      pending = consume(stream, file).then((result) => ({ file, result }));
      pending.catch(fail);
    });
    parser.on('filesLimit', () => fail(validationError(`Send exactly one file in '${field}'`, field)));
    parser.on('error', () => fail(validationError('Malformed multipart/form-data body', field)));
    parser.on('close', () => {
      if (failed) return;
      if (!pending) return fail(validationError(`Missing file field '${field}'`, field));
      pending.then(resolve, fail);
    });
    request.on('error', fail);
    request.pipe(parser);
  });
}
