import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../prisma/database.ts';
import { lockFileName, lockPgliteFolder, PgliteFolderLockedError } from '../../prisma/pglite-lock.ts';
import { runToExit } from '../support/processes.ts';
import { tempDirs } from './temp-dirs.ts';

const openPgliteFixture = fileURLToPath(new URL('./fixtures/open-pglite.ts', import.meta.url));
const tempDir = tempDirs();
const freshDir = async () => join(await tempDir('pglite-lock-'), 'data');

/** The pid of a process that has already exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  if (child.pid === undefined) throw new Error('could not spawn a child process');
  return child.pid;
}

describe('the PGlite folder lock', () => {
  it('refuses a second holder, naming the folder and the holding pid', async () => {
    const dataDir = await freshDir();
    const lock = await lockPgliteFolder(dataDir);
    try {
      const second = lockPgliteFolder(dataDir);
      await expect(second).rejects.toBeInstanceOf(PgliteFolderLockedError);
      await expect(second).rejects.toThrow(`PGlite data folder ${dataDir} is in use by process ${process.pid}`);
    } finally {
      await lock.release();
    }
    const again = await lockPgliteFolder(dataDir);
    await again.release();
  });

  it('takes over a lock left by a process that died', async () => {
    const dataDir = await freshDir();
    const first = await lockPgliteFolder(dataDir);
    const lockPath = first.lockPath;
    const stale = { pid: await deadPid(), host: hostname(), process: 'gone', acquiredAt: new Date(0).toISOString() };
    await writeFile(lockPath, JSON.stringify(stale));

    const lock = await lockPgliteFolder(dataDir);
    try {
      expect(JSON.parse(await readFile(lockPath, 'utf8'))).toMatchObject({ pid: process.pid });
    } finally {
      await lock.release();
    }
  });

  it('takes over a lock file it cannot read', async () => {
    const dataDir = await freshDir();
    await (await lockPgliteFolder(dataDir)).release();
    await writeFile(join(dataDir, lockFileName), 'garbage');
    const lock = await lockPgliteFolder(dataDir);
    await lock.release();
  });

  it(
    'stops a second process opening the same folder with a clear error, and keeps the first one’s writes',
    { timeout: 90_000 },
    async () => {
      const dataDir = await freshDir();
      const database = await openDatabase({ kind: 'pglite', dataDir });
      try {
        await database.prisma.user.create({ data: { email: 'first-process@example.test', passwordHash: 'x' } });

        const second = await runToExit(openPgliteFixture, [dataDir]);
        expect(second.code).toBe(1);
        expect(second.stderr).toContain(`PGlite data folder ${dataDir} is in use by process ${process.pid}`);

        expect(await database.prisma.user.findMany({ select: { email: true } })).toEqual([
          { email: 'first-process@example.test' },
        ]);
      } finally {
        await database.close();
      }

      // Once the first process lets go, the folder opens again with its data.
      const reopened = await openDatabase({ kind: 'pglite', dataDir });
      try {
        expect(await reopened.prisma.user.count({ where: { email: 'first-process@example.test' } })).toBe(1);
      } finally {
        await reopened.close();
      }
    },
  );
});
