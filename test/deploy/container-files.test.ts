// No container engine or Kubernetes runs on the project's machines, so this checks
// what can be checked here: the image's CMD and HEALTHCHECK run as plain processes
// against the built dist/, and the compose file and Helm chart parse and hold
// what the deployment relies on. `docker build` and `helm template` are not run.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ensureBuilt } from '../support/build.ts';
import { compiledEntry, freePort, ROOT, untilReady } from '../support/processes.ts';

const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
/** The JSON array of an exec-form instruction (continuation lines joined). */
const execForm = (instruction: string): string[] => {
  const joined = dockerfile.replace(/\\\n\s*/g, ' ');
  const match = new RegExp(`^${instruction}\\b.*?(\\[.*\\])\\s*$`, 'm').exec(joined);
  if (!match?.[1]) throw new Error(`no exec-form ${instruction} in the Dockerfile`);
  return JSON.parse(match[1]) as string[];
};

describe('Dockerfile', () => {
  it('builds in one stage and serves from node:20-slim as a non-root user with production dependencies only', () => {
    const stages = dockerfile.match(/^FROM .*/gm) ?? [];
    expect(stages).toEqual(['FROM node:20-slim AS build', 'FROM node:20-slim AS runtime']);
    const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
    expect(runtime).toMatch(/npm ci --omit=dev/);
    expect(runtime).toMatch(/COPY --from=build \/app\/dist \.\/dist/);
    expect(runtime).toMatch(/^USER node$/m);
  });

  it('runs the same node command as npm start, in exec form so signals reach node, with the environment npm start gives it', () => {
    const { nodeFlags, entry, startEnv } = compiledEntry('start');
    expect(execForm('CMD')).toEqual(['node', ...nodeFlags, entry]);
    const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
    expect(Object.keys(startEnv).length).toBeGreaterThan(0);
    for (const [name, value] of Object.entries(startEnv)) expect(runtime, name).toMatch(new RegExp(`^(ENV)?\\s+${name}=${value}( \\\\)?$`, 'm'));
  });

  describe('its CMD and HEALTHCHECK as plain processes against dist/', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'image-cmd-'));
    afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
    beforeAll(() => ensureBuilt(), 120_000);

    it('serves, passes the health check, drains on SIGTERM with exit 0, then fails the check', { timeout: 120_000 }, async () => {
      const port = await freePort();
      const env = {
        PATH: process.env['PATH'] ?? '',
        // The image's ENV, with the production secrets an operator supplies.
        NODE_ENV: 'production',
        PORT: String(port),
        HOST: '127.0.0.1',
        PGLITE_DATA_DIR: join(dataDir, 'pglite'),
        UPLOAD_DIR: join(dataDir, 'uploads'),
        JWT_SECRET: 'j'.repeat(40),
        INTERNAL_TOKEN_SECRET: 'i'.repeat(40),
        TRAINING_CALLBACK_SECRET: 't'.repeat(40),
        UPSTREAM_SIGNING_SECRET: 'u'.repeat(40),
        LOG_LEVEL: 'warn',
        ...compiledEntry('start').startEnv,
      };
      const [program, ...args] = execForm('CMD');
      expect(program).toBe('node');
      const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      try {
        await untilReady(child, exited, /Gateway ready/, 'image CMD', 90_000);
        const [checkProgram, ...checkArgs] = execForm('HEALTHCHECK');
        expect(checkProgram).toBe('node');
        const check = () => spawnSync(process.execPath, checkArgs.slice(checkArgs.indexOf('node') + 1), { env, timeout: 10_000 }).status;
        expect(check()).toBe(0);
        child.kill('SIGTERM');
        expect(await exited).toBe(0);
        expect(check()).toBe(1);
      } finally {
        child.kill('SIGKILL');
      }
    });
  });
});

describe('.dockerignore', () => {
  it('keeps local installs, data and outputs out of the build context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['node_modules', 'dist', '.data', '.git', 'prisma/generated']) expect(ignored).toContain(entry);
  });
});

describe('compose.yaml', () => {
  // Compose applies YAML merge keys (`<<: *anchor`).
  const compose = parse(readFileSync(join(ROOT, 'compose.yaml'), 'utf8'), { merge: true }) as {
    services: Record<string, { deploy?: { replicas?: number }; environment?: Record<string, string>; healthcheck?: { test: string[] }; depends_on?: Record<string, { condition: string }> }>;
  };

  it('runs two gateway replicas on the same Postgres and Redis, each service health-checked', () => {
    const gateway = compose.services['gateway'];
    expect(gateway?.deploy?.replicas).toBe(2);
    expect(gateway?.environment?.['REDIS_URL']).toBe('redis://redis:6379');
    expect(gateway?.environment?.['DATABASE_URL']).toMatch(/@postgres:5432\//);
    expect(gateway?.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
    for (const name of ['gateway', 'postgres', 'redis']) expect(compose.services[name]?.healthcheck?.test.length).toBeGreaterThan(0);
  });

  it('takes every secret from the environment and refuses to start without it', () => {
    const environment = compose.services['gateway']?.environment ?? {};
    for (const secret of ['JWT_SECRET', 'INTERNAL_TOKEN_SECRET', 'TRAINING_CALLBACK_SECRET', 'UPSTREAM_SIGNING_SECRET']) {
      expect(environment[secret]).toMatch(new RegExp(`^\\$\\{${secret}:\\?`));
    }
  });
});

describe('Helm chart (parsed and cross-checked; helm itself is not installable here)', () => {
  const chartDir = join(ROOT, 'deploy/helm/federation-gateway');
  const values = parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) as Record<string, unknown>;
  const templates = readdirSync(join(chartDir, 'templates')).map((name) => ({ name, text: readFileSync(join(chartDir, 'templates', name), 'utf8') }));

  it('has a valid Chart.yaml and documents every value in values.yaml', () => {
    expect(parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8'))).toMatchObject({ apiVersion: 'v2', name: 'federation-gateway' });
    const referenced = new Set(templates.flatMap(({ text }) => [...text.matchAll(/\.Values\.([A-Za-z0-9_.]+)/g)].map((m) => m[1] ?? '')));
    for (const path of referenced) {
      const value = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], values);
      expect(value, `values.yaml has no ${path}`).not.toBeUndefined();
    }
  });

  it('probes readiness on /health/detailed and liveness on /health, and has a PDB, an HPA on CPU and a Secret', () => {
    const all = templates.map((t) => t.text).join('\n');
    expect(values).toMatchObject({ probes: { readiness: { path: '/health/detailed' }, liveness: { path: '/health' } } });
    expect(all).toMatch(/readinessProbe:\s+httpGet: \{ path: \{\{ \.Values\.probes\.readiness\.path \}\}/);
    expect(all).toMatch(/livenessProbe:\s+httpGet: \{ path: \{\{ \.Values\.probes\.liveness\.path \}\}/);
    expect(all).toMatch(/kind: PodDisruptionBudget/);
    expect(all).toMatch(/kind: HorizontalPodAutoscaler[\s\S]*name: cpu/);
    expect(all).toMatch(/kind: Secret/);
    expect(all).toMatch(/secretRef:/);
  });

  it('parses as YAML once the template actions are blanked out (a partial render check)', () => {
    for (const { name, text } of templates.filter((t) => t.name.endsWith('.yaml'))) {
      const blanked = text
        .split('\n')
        .filter((line) => !/^\s*\{\{-?.*-?\}\}\s*$/.test(line))
        .map((line) => line.replace(/\{\{-?[^}]*-?\}\}/g, 'x'))
        .join('\n');
      expect(() => parse(blanked), name).not.toThrow();
    }
  });
});
