import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ROOT, untilReady } from '../../test/support/processes.ts';

export interface PinnedProcess {
  readonly name: string;
  readonly pid: number;
  /** Peak resident memory so far (VmHWM), MiB. */
  peakRssMiB(): number;
  /** User + system CPU time so far, ms. */
  cpuMs(): number;
  /**
   * Time its main thread was ready to run but waited for a CPU, so far, ms:
   * tells "the core was busy with other work" from "it had nothing to do".
   */
  runQueueWaitMs(): number;
  stop(): Promise<void>;
}

const CLOCK_TICKS_PER_SECOND = 100;

/**
 * Every process the benchmark starts, so that a failure anywhere (or Ctrl-C)
 * still stops all of them.
 */
export class ProcessGroup {
  private readonly running = new Set<PinnedProcess>();

  /**
   * Runs `node [nodeArgs] --import tsx <entry> [args]` (plain `node` for a .mjs
   * entry) pinned to `cpus` (taskset) and waits for `ready` on its output.
   */
  async start(options: {
    name: string;
    cpus: string;
    entry: string;
    args?: readonly string[];
    nodeArgs?: readonly string[];
    env: Record<string, string>;
    ready: RegExp;
  }): Promise<PinnedProcess> {
    const { name, cpus, entry, env, ready } = options;
    const loader = entry.endsWith('.mjs') ? [] : ['--import', 'tsx'];
    const command = [process.execPath, ...(options.nodeArgs ?? []), ...loader, entry, ...(options.args ?? [])];
    const child = spawn('taskset', ['-c', cpus, ...command], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const pinned = this.wrap(name, child, exited);
    this.running.add(pinned);
    await untilReady(child, exited, ready, name, 60_000);
    // Keep draining so a chatty process never blocks on a full pipe.
    child.stdout?.removeAllListeners('data').resume();
    child.stderr?.on('data', (chunk: Buffer) => {
      if (/error/i.test(chunk.toString())) process.stderr.write(`[${name}] ${chunk.toString()}`);
    });
    return pinned;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running].map((process) => process.stop()));
  }

  private wrap(name: string, child: ChildProcess, exited: Promise<void>): PinnedProcess {
    // taskset execs node in place, so the child's pid is the gateway's pid.
    const pid = child.pid ?? 0;
    const status = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    const pinned: PinnedProcess = {
      name,
      pid,
      peakRssMiB: () => Math.round(status('VmHWM') / 1024),
      cpuMs: () => {
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
        return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
      },
      runQueueWaitMs: () => Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1] ?? 0) / 1e6,
      stop: async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          await exited;
          clearTimeout(timer);
        }
        this.running.delete(pinned);
      },
    };
    return pinned;
  }
}
