import { pathToFileURL } from 'node:url';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../support/build.ts';
import { evaluateInProcess, procCmdline, procDescendants, procEnviron } from '../support/inspect-process.ts';
import { compiledEntry, freePort, ROOT, untilReady } from '../support/processes.ts';

const baseEnv = () => ({ PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp' });

/** What `npm start` runs, on embedded defaults: nothing configured but a port and a data folder. */
describe('npm start on embedded defaults', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gateway-start-'));
  const { nodeFlags, entry, startEnv } = compiledEntry('start');
  const nodeArgs = [...nodeFlags];
  const groups: number[] = [];
  beforeAll(() => ensureBuilt(), 120_000);
  afterAll(() => {
    for (const group of groups) {
      try {
        process.kill(-group, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  // Time to healthy is measured by `npm run bench:startup`, not asserted here.
  it('serves compiled output with plain node (no TypeScript loader), refuses a second process on the folder, and drains on SIGTERM', { timeout: 120_000 }, async () => {
    const port = await freePort();
    // Its own process group, so the test can always clean up npm, sh and node together.
    const npm = spawn('npm', ['start'], {
      cwd: ROOT,
      env: { ...baseEnv(), PORT: String(port), PGLITE_DATA_DIR: join(dataDir, 'pglite'), LOG_LEVEL: 'warn', NODE_OPTIONS: '--inspect-port=0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    groups.push(npm.pid ?? 0);
    const npmExited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
    let output = '';
    await untilReady(npm, npmExited, /Gateway ready/, 'npm start', 90_000, (text) => (output = text));
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);

    // The serving process, found below npm: exactly the script's node command.
    const serving = procDescendants(npm.pid ?? 0).find((pid) => procCmdline(pid).includes(entry));
    expect(serving, `no process running ${entry} below npm`).toBeDefined();
    const pid = serving ?? 0;
    expect(procCmdline(pid).slice(1)).toEqual([...nodeArgs, entry]);
    // Source maps are turned on by main.ts once the dependencies are loaded (not by a flag).
    expect(nodeArgs).not.toContain('--enable-source-maps');
    expect(nodeArgs).toContain('--max-semi-space-size=64');
    // Old space capped: peak RSS under load 1.4x the bare Apollo Gateway's instead of 2.15x (bench/README.md).
    expect(nodeArgs).toContain('--max-old-space-size=512');
    expect(procEnviron(pid)['NODE_OPTIONS']).toBe('--inspect-port=0');
    // glibc's malloc settings reach the serving process (they are read once, at its start).
    expect(procEnviron(pid)).toMatchObject({ MALLOC_ARENA_MAX: '2', ...startEnv });

    // And from the inside: no loader flags, no tsx or esbuild module loaded, source maps on,
    // the build's bundle serving (scripts/bundle.mjs) with a map of our own sources only.
    const bundleUrl = pathToFileURL(join(ROOT, 'dist/gateway/app/serve.bundle.js')).href;
    const inside = (await evaluateInProcess(
      pid,
      () => output,
      `JSON.stringify({
        execArgv: process.execArgv,
        main: process.argv[1],
        sourceMaps: process.sourceMapsEnabled,
        bundleSources: require('node:module').findSourceMap(${JSON.stringify(bundleUrl)})?.payload.sources ?? [],
        dependencyMap: Boolean(require('node:module').findSourceMap(require.resolve('@apollo/gateway', { paths: [${JSON.stringify(ROOT)}] }))),
        cjsModules: Object.keys(require.cache).length,
        loaderModules: Object.keys(require.cache).filter((path) => /[\\\\/]node_modules[\\\\/](tsx|esbuild|typescript)[\\\\/]/.test(path)),
      })`,
    )) as string;
    const report = JSON.parse(inside) as { execArgv: string[]; main: string; sourceMaps: boolean; bundleSources: string[]; dependencyMap: boolean; cjsModules: number; loaderModules: string[] };
    expect(report.execArgv).toEqual(nodeArgs);
    expect(report.main).toBe(join(ROOT, entry));
    expect(report.sourceMaps).toBe(true);
    // Stack traces map the gateway's own modules to their .ts sources; no dependency's map is kept in memory.
    expect(report.bundleSources.length).toBeGreaterThan(200);
    expect(report.bundleSources.filter((source) => !source.endsWith('.ts') || source.includes('node_modules'))).toEqual([]);
    expect(report.bundleSources).toContain(pathToFileURL(join(ROOT, 'gateway/app/start-gateway.ts')).href);
    expect(report.dependencyMap).toBe(false);
    // The cache holds the dependencies left outside the bundle (Prisma's runtime, pino), so an empty loader list means something.
    expect(report.cjsModules).toBeGreaterThan(10);
    expect(report.loaderModules).toEqual([]);

    const second = spawnSync(process.execPath, [...nodeArgs, entry], {
      cwd: ROOT,
      env: { ...baseEnv(), PORT: String(await freePort()), PGLITE_DATA_DIR: join(dataDir, 'pglite'), LOG_LEVEL: 'warn' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(second.status).toBe(1);
    expect(second.stdout + second.stderr).toMatch(/Gateway failed to start: PGlite data folder .* is in use by process \d+/);
    // The first process is unharmed.
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);

    // SIGTERM reaches the serving node directly (as a container runtime sends it); it drains and exits 0.
    process.kill(pid, 'SIGTERM');
    expect(await npmExited).toBe(0);
  });

  it('stops with one line naming a bad variable', () => {
    const result = spawnSync(process.execPath, [...nodeArgs, entry], {
      cwd: ROOT,
      env: { ...baseEnv(), PORT: 'eighty' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Invalid configuration: PORT /)]);
  });
});
