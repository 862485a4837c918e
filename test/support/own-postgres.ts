// A Postgres cluster of the test's own (initdb into a temporary folder, pg_ctl
// on a free port), for fault tests that stop or freeze the server. The shared
// Postgres is never touched.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './processes.ts';

const run = promisify(execFile);

function postgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const version = readdirSync(root).sort().at(-1);
  return version ? join(root, version, 'bin') : null;
}
const BIN = postgresBin();

/** initdb refuses to run as root: as root, the cluster runs as the system's `postgres` user. */
async function clusterOwner(): Promise<{ uid: number; gid: number } | null> {
  if (process.getuid?.() !== 0) return null;
  const { stdout: uid } = await run('id', ['-u', 'postgres']);
  const { stdout: gid } = await run('id', ['-g', 'postgres']);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}

/** Whether a cluster can be made here (the binaries exist). */
export const ownPostgresAvailable = BIN !== null && existsSync(join(BIN, 'initdb'));

export interface OwnPostgres {
  /** postgresql://…/postgres on the cluster's port. */
  readonly url: string;
  /** SIGSTOP the postmaster and every backend: connections stay open and nothing answers. */
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  /**
   * Connections are refused until start(). `fast` (the default) ends every session
   * cleanly; `immediate` kills the server as a crash would, with recovery on start.
   */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** Thaws, stops and deletes the cluster. */
  destroy(): Promise<void>;
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  if (!BIN) throw new Error('no Postgres binaries under /usr/lib/postgresql');
  const dir = await mkdtemp(join(tmpdir(), 'faults-pg-'));
  const owner = await clusterOwner();
  if (owner) await chown(dir, owner.uid, owner.gid);
  const as = owner ?? {};
  const data = join(dir, 'data');
  const port = await freePort();
  await run(join(BIN, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], { timeout: 60_000, ...as });
  const pgCtl = (...args: string[]) => run(join(BIN, 'pg_ctl'), ['-D', data, '-w', '-t', '30', ...args], { timeout: 40_000, ...as });
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=40`;
  const start = async () => void (await pgCtl('-o', options, '-l', join(dir, 'log'), 'start'));
  await start();
  let frozen: number[] = [];

  const processIds = async (): Promise<number[]> => {
    const postmaster = Number((await readFile(join(data, 'postmaster.pid'), 'utf8')).split('\n')[0]);
    const { stdout } = await run('ps', ['-o', 'pid=', '--ppid', String(postmaster)]);
    return [postmaster, ...stdout.split('\n').map((line) => Number(line.trim())).filter((pid) => pid > 0)];
  };
  const signal = (pids: number[], name: NodeJS.Signals) => {
    for (const pid of pids) {
      try {
        process.kill(pid, name);
      } catch {
        // A backend that ended meanwhile.
      }
    }
  };

  const thaw = async () => {
    signal(frozen, 'SIGCONT');
    frozen = [];
  };
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    async freeze() {
      frozen = await processIds();
      signal(frozen, 'SIGSTOP');
    },
    thaw,
    async stop(mode = 'fast') {
      await pgCtl('-m', mode, 'stop');
    },
    start,
    async destroy() {
      await thaw();
      await pgCtl('-m', 'immediate', 'stop').catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}
