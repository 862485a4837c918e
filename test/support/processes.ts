import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** tsx's loader by absolute URL, so an entry point runs from any working directory. */
const TSX_LOADER = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

/** The gateway's entry point from source, as tests run it (benches run the compiled one: compiledEntry). */
export const GATEWAY_ENTRY = 'gateway/app/main.ts';
/**
 * What a package.json script serves with: the compiled entry point and node flags of
 * its last step (the one after it builds dist/ when stale), read from package.json so
 * tests and benches run exactly what users run; build first with build.ts's ensureBuilt.
 */
export function compiledEntry(script: 'start' | 'subgraph' = 'start'): { readonly entry: string; readonly nodeFlags: readonly string[]; readonly startEnv: Readonly<Record<string, string>> } {
  const text = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts[script] ?? '';
  const words = text.split('&&').at(-1)?.trim().split(/\s+/) ?? [];
  // Leading NAME=value words are the environment the script gives node (glibc's malloc settings).
  const startEnv: Record<string, string> = {};
  while (words[0] && /^[A-Z_][A-Z0-9_]*=/.test(words[0])) {
    const [name = '', ...value] = words.shift()!.split('=');
    startEnv[name] = value.join('=');
  }
  const [program, ...args] = words;
  const entry = args.at(-1);
  if (program !== 'node' || entry === undefined || !entry.endsWith('.js')) throw new Error(`package.json "${script}" does not end with '[NAME=value …] node … <entry>.js': ${text}`);
  return { entry, nodeFlags: args.slice(0, -1), startEnv };
}

/** `npm run subgraph`'s entry point. */
export const SUBGRAPH_ENTRY = 'gateway/app/subgraph-main.ts';

/** What a child process printed while it ran, kept to its last part. */
const OUTPUT_KEPT = 256 * 1024;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface NodeProcessOptions {
  /** Repo-relative: a `.ts` entry runs through tsx, a `.js`/`.mjs` one with plain node. */
  readonly entry: string;
  readonly args?: readonly string[];
  /** The child's whole environment beside PATH and HOME: nothing else of ours leaks in. */
  readonly env: Record<string, string>;
  /** What the package.json script sets before node (compiledEntry), beneath `env`. */
  readonly startEnv?: Readonly<Record<string, string>>;
  readonly nodeFlags?: readonly string[];
  /** `taskset -c <cpus>`: benches pin each process to its own core. */
  readonly pinToCpus?: string;
  /** Printed on stdout or stderr once the process is ready. */
  readonly ready: RegExp;
  /** @default 20000 */
  readonly timeoutMs?: number;
}

export interface StartedProcess {
  readonly child: ChildProcess;
  /** The node process's own pid (taskset execs in place). */
  readonly pid: number;
  /** Everything printed so far (its last 256 KiB). */
  output(): string;
  /** Sends the signal (SIGTERM by default) unless the process has ended, and resolves with its exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

function commandOf(options: Pick<NodeProcessOptions, 'entry' | 'args' | 'nodeFlags' | 'pinToCpus'>): [string, string[]] {
  // node --import tsx runs one process (the tsx CLI would add a parent that a SIGKILL orphans).
  const loader = options.entry.endsWith('.ts') ? ['--import', TSX_LOADER] : [];
  const node = [process.execPath, ...(options.nodeFlags ?? []), ...loader, options.entry, ...(options.args ?? [])];
  return options.pinToCpus ? ['taskset', ['-c', options.pinToCpus, ...node]] : [node[0]!, node.slice(1)];
}

const baseEnv = (): Record<string, string> => ({ PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp' });

/**
 * Resolves once the child's stdout or stderr has printed something matching
 * `ready`; rejects with everything it printed if it exits first or takes longer
 * than `timeoutMs`. `onOutput` sees the output so far (its last 256 KiB) on every chunk.
 */
export function untilReady(
  child: ChildProcess,
  exited: Promise<unknown>,
  ready: RegExp,
  label: string,
  timeoutMs: number,
  onOutput: (output: string) => void = () => undefined,
): Promise<void> {
  let output = '';
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} not ready within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-OUTPUT_KEPT);
      onOutput(output);
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited${typeof code === 'number' ? ` with ${code}` : ''} before it was ready:\n${output}`));
    });
  });
}

/**
 * The one launcher of tests and benches: starts a Node entry point as its own
 * process and resolves once its output matches `ready`; rejects with everything it
 * printed if it exits first or takes longer than `timeoutMs` (and kills it).
 */
export async function startNodeProcess(options: NodeProcessOptions): Promise<StartedProcess> {
  const [command, args] = commandOf(options);
  const child = spawn(command, args, { cwd: ROOT, env: { ...baseEnv(), ...options.startEnv, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  const ready = untilReady(child, exited, options.ready, options.entry, options.timeoutMs ?? 20_000, (text) => (output = text));
  await ready.catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return {
    child,
    pid: child.pid ?? 0,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Runs a TypeScript entry point with tsx and waits until its output matches `ready`. */
export function startTsProcess(entry: string, args: string[], env: Record<string, string>, ready: RegExp, timeoutMs = 20_000): Promise<StartedProcess> {
  return startNodeProcess({ entry, args, env, ready, timeoutMs });
}

export interface FinishedProcess {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly elapsedMs: number;
}

/** Runs an entry point (as `npm run` would) to its end: what it printed, its exit code and how long it took. */
export function runToExit(
  entry: string,
  args: readonly string[],
  options: { readonly cwd?: string; readonly env?: NodeJS.ProcessEnv } = {},
): Promise<FinishedProcess> {
  const [command, commandArgs] = commandOf({ entry, args });
  return runCommandToExit(command, commandArgs, options);
}

/** Runs any program (a shell, python) to its end, the way runToExit runs node. */
export function runCommandToExit(
  command: string,
  args: readonly string[],
  options: { readonly cwd?: string; readonly env?: NodeJS.ProcessEnv; readonly timeoutMs?: number } = {},
): Promise<FinishedProcess> {
  const started = Date.now();
  const child = spawn(command, args, { cwd: options.cwd ?? process.cwd(), env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr, elapsedMs: Date.now() - started }));
  });
}
