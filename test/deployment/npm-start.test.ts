import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, ROOT, startTsProcess, type StartedProcess } from '../support/processes.ts';

/** What `npm start` runs, on embedded defaults: nothing configured but a port and a data folder. */
describe('npm start on embedded defaults', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gateway-start-'));
  const started: StartedProcess[] = [];
  afterAll(async () => {
    await Promise.all(started.map((process) => process.stop('SIGKILL')));
    rmSync(dataDir, { recursive: true, force: true });
  });

  // Time to healthy is measured by `npm run bench:startup`, not asserted here.
  it('answers /health, refuses a second process on the same folder, and stops cleanly', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const gateway = await startTsProcess(
      'gateway/app/main.ts',
      [],
      { PORT: String(port), PGLITE_DATA_DIR: join(dataDir, 'pglite'), LOG_LEVEL: 'warn' },
      /Gateway ready/,
      60_000,
    );
    started.push(gateway);
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);

    const second = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), ['gateway/app/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', PORT: String(await freePort()), PGLITE_DATA_DIR: join(dataDir, 'pglite'), LOG_LEVEL: 'warn' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(second.status).toBe(1);
    expect(second.stdout + second.stderr).toMatch(/Gateway failed to start: PGlite data folder .* is in use by process \d+/);
    // The first process is unharmed.
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);

    expect(await gateway.stop('SIGTERM')).toBe(0);
  });

  it('stops with one line naming a bad variable', () => {
    const result = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), ['gateway/app/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', PORT: 'eighty' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Invalid configuration: PORT /)]);
  });
});
