import { describe, expect, it } from 'vitest';
import { runToExit } from '../support/processes.ts';

const FIXTURE = 'test/faults/fixtures/escaping-error.ts';

describe('the process guard, for what escapes every entry point', () => {
  it('logs an uncaught exception with the requests in flight, counts it, drains and exits 1', async () => {
    const finished = await runToExit(FIXTURE, ['exception']);
    expect(finished.code).toBe(1);
    const fatal = finished.stdout.split('\n').find((line) => line.includes('escaped every entry point'));
    expect(fatal).toBeDefined();
    expect(JSON.parse(fatal!)).toMatchObject({ level: 60, kind: 'uncaughtException', requestsInFlight: ['req_inflight_one', 'req_inflight_two'], err: { message: 'thrown from a timer' } });
    expect(finished.stdout).toContain('counts {"uncaughtException":1}');
  });

  it('logs and counts an unhandled rejection, and the process goes on', async () => {
    const finished = await runToExit(FIXTURE, ['rejection']);
    expect(finished.code).toBe(0);
    expect(finished.stdout).toContain('"kind":"unhandledRejection"');
    expect(finished.stdout).toContain('counts {"unhandledRejection":1}');
    expect(finished.stdout).toContain('still serving');
  });
});
