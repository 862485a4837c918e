// One process per PGlite folder. PGlite is Postgres in a single process with no
// shared-memory coordination: two processes on one folder each keep their own
// buffers and silently overwrite each other's writes. A lock file makes the
// second one fail at start, naming the folder and the process holding it.
import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

export const lockFileName = 'pglite.lock';

interface LockOwner {
  pid: number;
  host: string;
  /** Tells this process from an earlier one that had the same pid (containers restart as pid 1). */
  process: string;
  acquiredAt: string;
}

/** Identifies this process for its whole life; not state, a constant. */
const thisProcess = randomUUID();

export class PgliteFolderLockedError extends Error {
  override readonly name = 'PgliteFolderLockedError';
  constructor(
    readonly dataDir: string,
    readonly lockPath: string,
    readonly holder: { pid: number; host: string },
  ) {
    super(
      `PGlite data folder ${dataDir} is in use by process ${holder.pid} on ${holder.host}. ` +
        'A PGlite folder can serve only one process: stop that process, or give this one ' +
        'another folder, or use a Postgres server (DATABASE_URL) to share one database. ' +
        `If no such process is running, delete ${lockPath}.`,
    );
  }
}

export interface PgliteFolderLock {
  readonly dataDir: string;
  readonly lockPath: string;
  /** Removes the lock file if it is still ours; safe to call twice. */
  release(): Promise<void>;
}

/**
 * Creates the folder with its parents (PGlite itself creates only the last
 * segment) and takes its lock, taking over a lock left by a process that died.
 */
export async function lockPgliteFolder(dataDir: string): Promise<PgliteFolderLock> {
  const folder = resolve(dataDir);
  await mkdir(folder, { recursive: true });
  const lockPath = join(folder, lockFileName);
  const owner: LockOwner = { pid: process.pid, host: hostname(), process: thisProcess, acquiredAt: new Date().toISOString() };

  // Write the whole record under a private name, then link it into place: link
  // fails if the lock exists, and a reader never sees a half-written file.
  const draft = `${lockPath}.${process.pid}.${randomUUID()}`;
  await writeFile(draft, JSON.stringify(owner));
  try {
    for (;;) {
      try {
        await link(draft, lockPath);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = await readOwner(lockPath);
      if (holder === undefined) continue; // released meanwhile
      if (isAlive(holder)) throw new PgliteFolderLockedError(folder, lockPath, holder);
      await removeStaleLock(lockPath);
    }
  } finally {
    await unlink(draft).catch(() => {});
  }

  let released = false;
  return {
    dataDir: folder,
    lockPath,
    async release() {
      if (released) return;
      released = true;
      const holder = await readOwner(lockPath);
      if (holder?.process === thisProcess && holder.pid === process.pid) await unlink(lockPath).catch(() => {});
    },
  };
}

async function readOwner(lockPath: string): Promise<LockOwner | undefined> {
  let text: string;
  try {
    text = await readFile(lockPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockOwner>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string') {
      return { pid: parsed.pid, host: parsed.host, process: String(parsed.process), acquiredAt: String(parsed.acquiredAt) };
    }
  } catch {
    // fall through: unreadable content counts as a dead owner
  }
  return { pid: 0, host: hostname(), process: '', acquiredAt: '' };
}

function isAlive(owner: LockOwner): boolean {
  // A pid means nothing on another host (a shared network folder): assume alive.
  if (owner.host !== hostname()) return true;
  if (owner.pid === process.pid) return owner.process === thisProcess;
  if (owner.pid <= 0) return false;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// Two processes may find the same stale lock. Each moves it aside under its own
// name before deleting it and checks what it moved: if a live owner had just
// taken the lock, it is put back instead, so nobody deletes a fresh lock.
async function removeStaleLock(lockPath: string): Promise<void> {
  const aside = `${lockPath}.stale.${process.pid}.${randomUUID()}`;
  try {
    await rename(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await readOwner(aside);
  if (moved !== undefined && isAlive(moved)) {
    await link(aside, lockPath).catch(() => {});
  }
  await unlink(aside).catch(() => {});
}
