// How the embedded Postgres is started. PGlite keeps Postgres's default
// shared_buffers of 128 MB inside its WebAssembly memory, and Postgres touches
// it all while setting up shared memory: about 120 MiB of resident memory for a
// cache of a platform database that is a few MiB. 16 MB holds it comfortably
// (bench/README.md: PGlite's share of idle RSS fell from about 250 to 128 MiB).
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';

export const PGLITE_SHARED_BUFFERS = '16MB';

export function pgliteOptions(): PGliteOptions {
  return { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`] };
}
