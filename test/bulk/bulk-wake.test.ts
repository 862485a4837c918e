import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { login } from '../support/account-flows.ts';
import { startBulkTargetSubgraph, type BulkTargetSubgraph } from '../support/bulk-target-subgraph.ts';
import { IMPORT_MAPPING } from '../support/bulk-rows.ts';
import { ADMIN, startTestGateway } from '../support/gateway-harness.ts';
import { bulkEnv, importFile, untilStatus } from './bulk-flows.ts';

// An idle worker polls rarely (each poll is a query, and an idle gateway's
// allocations keep V8 from giving memory back); a job queued on any replica wakes
// the workers through the event bus instead. Polling here is once a minute, so a
// job done within seconds was started by the wake-up.
describe('bulk workers woken by a queued job', () => {
  let gateway: RunningGateway;
  let target: BulkTargetSubgraph;
  let admin: { token: string };
  beforeAll(async () => {
    target = await startBulkTargetSubgraph();
    gateway = await startTestGateway(bulkEnv(target.url, { BULK_POLL_MS: '60000' }));
    admin = await login(gateway.url, ADMIN.email, ADMIN.password);
    // The worker's first look finds nothing; from here on it sleeps for a minute.
    await new Promise((resolve) => setTimeout(resolve, 500));
  });
  afterAll(async () => {
    await gateway?.close();
    await target?.close();
  });

  it('starts a job queued while the worker sleeps at once, not at its next poll', async () => {
    const created = await importFile(gateway.url, admin.token, { mutation: 'fundraising.request', mapping: IMPORT_MAPPING, file: 'method,path,name\nPOST,/a,a\nPOST,/b,b\n', filename: 'wake.csv' });
    expect(await untilStatus(gateway.url, admin.token, created.operation_id, ['completed', 'failed'], 20_000)).toMatchObject({ status: 'completed', succeeded_rows: 2 });
  });
});
