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
});
