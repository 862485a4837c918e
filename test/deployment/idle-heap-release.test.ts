import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../support/build.ts';
import { compiledEntry, freePort, startNodeProcess, type StartedProcess } from '../support/processes.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface ProcessSection {
  readonly rss_mib: number;
  readonly young_generation_mib: number;
}

/**
 * `npm start` runs node with a large young generation for throughput under load
 * (--max-semi-space-size=64); start-up fills it, and an idle V8 never shrinks it
 * on its own. The gateway must hand it back once it is quiet (bench/README.md).
 */
describe('the compiled gateway, as npm start runs it, once idle', () => {
  const { nodeFlags, entry, startEnv } = compiledEntry('start');
  let gateway: StartedProcess;
  let url = '';
  beforeAll(async () => {
    ensureBuilt();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    gateway = await startNodeProcess({
      entry,
      nodeFlags,
      startEnv,
      env: { PORT: String(port), HOST: '127.0.0.1', PGLITE_DATA_DIR: 'memory://', LOG_LEVEL: 'warn' },
      ready: /Gateway ready/,
      timeoutMs: 90_000,
    });
  }, 150_000);
  afterAll(() => gateway?.stop());

  const processSection = async (): Promise<ProcessSection> => {
    const body = (await (await fetch(`${url}/health/detailed`)).json()) as { data: { process: ProcessSection } };
    return body.data.process;
  };

  it('reports its young generation and gives it back when the event loop is quiet', async () => {
    const first = await processSection();
    expect(first.young_generation_mib).toEqual(expect.any(Number));
    // Start-up grows new space well past its floor (1 MiB) with this flag.
    let latest = first;
    // Asked at a readiness probe's pace: a report every second is itself load on the
    // idle loop (a database ping, beside the webhook, automation and bulk workers' polls).
    for (let waited = 0; waited < 60_000 && latest.young_generation_mib > 4; waited += 5000) {
      await sleep(5000);
      latest = await processSection();
    }
    expect(latest.young_generation_mib).toBeLessThanOrEqual(4);
  }, 90_000);
});
