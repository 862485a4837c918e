import { readFileSync } from 'node:fs';
import { startNodeProcess, type StartedProcess } from '../../test/support/processes.ts';

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

  /** Runs an entry point pinned to `cpus` (taskset) and waits for `ready` on its output. */
  async start(options: {
    name: string;
    cpus: string;
    entry: string;
    args?: readonly string[];
    nodeArgs?: readonly string[];
    env: Record<string, string>;
    ready: RegExp;
  }): Promise<PinnedProcess> {
    const started = await startNodeProcess({
      entry: options.entry,
      args: options.args ?? [],
      nodeFlags: options.nodeArgs ?? [],
      pinToCpus: options.cpus,
      env: options.env,
      ready: options.ready,
      timeoutMs: 60_000,
    });
    started.child.stderr?.on('data', (chunk: Buffer) => {
      if (/error/i.test(chunk.toString())) process.stderr.write(`[${options.name}] ${chunk.toString()}`);
    });
    const pinned = this.wrap(options.name, started);
    this.running.add(pinned);
    return pinned;
  }

  /** Latest first, so gateways are gone before the subgraphs they call (no errors at the end). */
  async stopAll(): Promise<void> {
    for (const process of [...this.running].reverse()) await process.stop();
  }

  private wrap(name: string, started: StartedProcess): PinnedProcess {
    const { pid, child } = started;
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
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await started.stop('SIGTERM');
        clearTimeout(timer);
        this.running.delete(pinned);
      },
    };
    return pinned;
  }
}
