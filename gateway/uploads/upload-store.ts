import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { payloadTooLarge } from '../../core/errors/errors.ts';

export interface StoredFile {
  readonly storageKey: string;
  readonly sizeBytes: number;
  readonly sha256: string;
}

/**
 * Where uploaded bytes live: a folder (UPLOAD_DIR). Files are streamed to a
 * temporary name, hashed and counted on the way, and renamed into place only
 * when complete, so a refused or broken upload leaves nothing behind. Several
 * gateway replicas need the folder on a shared volume.
 */
export interface UploadStore {
  save(source: Readable): Promise<StoredFile>;
  open(storageKey: string): Promise<{ stream: ReadStream; sizeBytes: number } | null>;
  remove(storageKey: string): Promise<void>;
}

const KEY = /^[0-9a-f-]{36}$/;

export async function uploadStore(options: { dir: string; maxBytes: number }): Promise<UploadStore> {
  await mkdir(options.dir, { recursive: true });
  const pathOf = (storageKey: string): string => {
    if (!KEY.test(storageKey)) throw new Error('invalid storage key');
    return join(options.dir, storageKey);
  };
  return {
    async save(source) {
      const storageKey = randomUUID();
      const partial = join(options.dir, `${storageKey}.partial`);
      const hash = createHash('sha256');
      let sizeBytes = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          sizeBytes += chunk.length;
          if (sizeBytes > options.maxBytes) return callback(payloadTooLarge(options.maxBytes));
          hash.update(chunk);
          callback(null, chunk);
        },
      });
      try {
        await pipeline(source, meter, createWriteStream(partial, { flags: 'wx' }));
        await rename(partial, pathOf(storageKey));
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
      return { storageKey, sizeBytes, sha256: hash.digest('hex') };
    },
    async open(storageKey) {
      if (!KEY.test(storageKey)) return null;
      const path = pathOf(storageKey);
      const info = await stat(path).catch(() => null);
      return info ? { stream: createReadStream(path), sizeBytes: info.size } : null;
    },
    async remove(storageKey) {
      await rm(pathOf(storageKey), { force: true });
    },
  };
}
