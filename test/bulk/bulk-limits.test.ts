import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { login } from '../support/account-flows.ts';
import { IMPORT_MAPPING } from '../support/bulk-rows.ts';
import { ADMIN, startTestGateway } from '../support/gateway-harness.ts';
import { graphql } from '../support/graphql-client.ts';
import { postImport } from './bulk-flows.ts';

const rows = (count: number) => `method,path,name\n${Array.from({ length: count }, (_, index) => `POST,/p/${index},n${index}`).join('\n')}\n`;

describe('bulk import limits (PGlite, in process)', () => {
  let gateway: RunningGateway;
  let admin: { token: string };
  beforeAll(async () => {
    // The mutation's subgraph is never reached: every upload here is refused before a row runs.
    gateway = await startTestGateway({ BULK_MAX_BYTES: '4096', BULK_MAX_ROWS: '50' });
    admin = await login(gateway.url, ADMIN.email, ADMIN.password);
  });
  afterAll(async () => gateway?.close());

  const jobs = async () => (await graphql<{ bulkOperations: { nodes: unknown[] } }>(gateway.url, '{ bulkOperations { nodes { id } } }', {}, { token: admin.token })).data!.bulkOperations.nodes;

  it('refuses a file past BULK_MAX_BYTES with 413, more rows than BULK_MAX_ROWS, a malformed CSV and an unknown mutation with 400, and keeps no job', async () => {
    const form = { mutation: 'fundraising.request', mapping: IMPORT_MAPPING, filename: 'rows.csv' };
    const tooLarge = await postImport(gateway.url, admin.token, { ...form, file: rows(40).repeat(10) });
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toMatchObject({ success: false, error_code: 'PAYLOAD_TOO_LARGE' });

    const tooMany = await postImport(gateway.url, admin.token, { ...form, file: rows(60) });
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { error: string }).error).toMatch(/more than 50 rows/);

    const malformed = await postImport(gateway.url, admin.token, { ...form, file: 'method,path,name\nPOST,"/open,x\nPOST,/b,y\n' });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: string }).error).toMatch(/Malformed CSV/);

    const unknown = await postImport(gateway.url, admin.token, { ...form, mutation: 'nosuch.field', file: rows(2) });
    expect(unknown.status).toBe(400);

    const anonymous = await fetch(`${gateway.url}/api/v1/bulk/import`, { method: 'POST', body: new FormData() });
    expect(anonymous.status).toBe(401);
    expect(await jobs()).toEqual([]);
  });

  it("queues a webhook delivery for each status change of a job (not for every batch), to the owner's endpoints", async () => {
    const endpoint = await graphql<{ createWebhookEndpoint: { endpoint: { id: string } } }>(
      gateway.url,
      'mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } } }',
      { input: { url: 'https://example.com/bulk-hook', eventTypes: ['bulk.operation_updated'] } },
      { token: admin.token },
    );
    expect(endpoint.errors).toBeUndefined();
    // Every row fails (no such key), in batches of one or more: the job still has three statuses.
    const ids = Array.from({ length: 5 }, (_, index) => `00000000-0000-4000-8000-00000000000${index}`);
    const created = await postImport(gateway.url, admin.token, { mutation: 'revokeApiKey', mapping: { id: 'id' }, file: `id\n${ids.join('\n')}\n`, filename: 'keys.csv' });
    expect(created.status).toBe(202);
    const id = ((await created.json()) as { data: { operation_id: string } }).data.operation_id;
    const statuses = async () => {
      const result = await graphql<{ webhookDeliveries: { nodes: Array<{ eventType: string; payload: { operationId: string; status: string; sequence: number } }> } }>(
        gateway.url,
        '{ webhookDeliveries(first: 50) { nodes { eventType payload } } }',
        {},
        { token: admin.token },
      );
      return result.data!.webhookDeliveries.nodes.filter((node) => node.payload.operationId === id).map((node) => node.payload.status).sort();
    };
    for (let tries = 0; tries < 200 && !(await statuses()).includes('completed'); tries += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await statuses()).toEqual(['completed', 'queued', 'running']);
  });
});
