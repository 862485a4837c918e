import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { login, registerAndLogin } from '../support/account-flows.ts';
import { startBulkTargetSubgraph, type BulkTargetSubgraph } from '../support/bulk-target-subgraph.ts';
import { ADMIN, startTestGateway } from '../support/gateway-harness.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.ts';
import { connectSubscriber, openSubscriptions, subscriptionsRegistered } from '../support/subscription-client.ts';
import { bulkEnv, importFile, operationOf, postImport, untilStatus } from './bulk-flows.ts';
import { csvOf, expectedOf, IMPORT_MAPPING } from '../support/bulk-rows.ts';

const ROWS = 100_000;

const PROGRESS = /* GraphQL */ `
  subscription($id: ID) { bulkOperationUpdated(id: $id) { operationId status sequence totalRows invalidRows succeededRows failedRows } }
`;

function suite(name: string, database: () => Promise<{ env: Record<string, string>; drop(): Promise<void> }>) {
  describe(name, () => {
    let gateway: RunningGateway;
    let target: BulkTargetSubgraph;
    let drop: () => Promise<void> = async () => undefined;
    let admin: { token: string; userId: string };

    beforeAll(async () => {
      const db = await database();
      drop = () => db.drop();
      target = await startBulkTargetSubgraph();
      gateway = await startTestGateway(bulkEnv(target.url, db.env));
      admin = await login(gateway.url, ADMIN.email, ADMIN.password);
    });
    afterAll(async () => {
      await gateway?.close();
      await target?.close();
      await drop();
    });

    it('imports 100,000 CSV rows as the uploader, reporting every invalid and failed row exactly, each row run once, progress in order', async () => {
      const before = await openSubscriptions(gateway.url);
      const subscriber = connectSubscriber(gateway.url, { authorization: `Bearer ${admin.token}` });
      const progress = subscriber.subscribe(PROGRESS);
      await subscriptionsRegistered(gateway.url, before + 1);
      const created = await importFile(gateway.url, admin.token, { mutation: 'fundraising.request', mapping: IMPORT_MAPPING, file: csvOf(ROWS), filename: 'donations.csv' });
      const expected = Array.from({ length: ROWS }, (_, index) => expectedOf(index + 1));
      const invalid = expected.filter((outcome) => outcome === 'invalid').length;
      const failed = expected.filter((outcome) => outcome === 'failed').length;
      expect(created).toMatchObject({ total_rows: ROWS, invalid_rows: invalid });
      // A worker may have taken it before the answer went out.
      expect(['queued', 'running']).toContain(created.status);

      const done = await untilStatus(gateway.url, admin.token, created.operation_id, ['completed', 'failed'], 540_000);
      expect(done).toMatchObject({ status: 'completed', total_rows: ROWS, invalid_rows: invalid, failed_rows: failed, succeeded_rows: ROWS - invalid - failed });

      // Each valid row reached the target once (by its key), as the admin who uploaded it; invalid rows never ran.
      expect(target.calls.length).toBe(ROWS - invalid);
      expect(target.applied.size).toBe(ROWS - invalid - failed);
      expect(target.repeated.size).toBe(0);
      expect(target.calls.every((call) => (call.principal as { userId?: string } | null)?.userId === admin.userId)).toBe(true);
      // Batched: far fewer subgraph fetches than rows.
      expect(target.fetches).toBeLessThan((ROWS - invalid) / 20);

      const report = await fetch(`${gateway.url}/api/v1/bulk/operations/${created.operation_id}/report?format=csv`, { headers: { authorization: `Bearer ${admin.token}` } });
      expect(report.status).toBe(200);
      const lines = parse(await report.text(), { columns: true }) as Array<{ row_number: string; status: string; column: string; message: string }>;
      const byRow = new Map<number, Array<{ status: string; column: string; message: string }>>();
      for (const line of lines) byRow.set(Number(line.row_number), [...(byRow.get(Number(line.row_number)) ?? []), line]);
      expect(byRow.size).toBe(ROWS);
      for (let row = 1; row <= ROWS; row += 1) {
        const entries = byRow.get(row)!;
        expect(entries[0]!.status, `row ${row}`).toBe(expectedOf(row));
        if (expectedOf(row) === 'invalid') {
          const column = row % 997 === 0 ? 'method' : 'path';
          expect(entries.map((entry) => entry.column)).toContain(column);
          expect(entries.find((entry) => entry.column === column)!.message).toMatch(column === 'method' ? /ModuleWriteMethod/ : /non-nullable/);
        }
        if (expectedOf(row) === 'failed') expect(entries[0]!.message).toMatch(/INTERNAL_ERROR/);
      }

      const events = progress.results.map((result) => result.data?.['bulkOperationUpdated']).filter((event) => event?.operationId === created.operation_id);
      const sequences = events.map((event) => event.sequence as number);
      expect(sequences.length).toBeGreaterThan(10);
      expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
      expect(new Set(sequences).size).toBe(sequences.length);
      expect(events.at(-1)).toMatchObject({ status: 'COMPLETED', succeededRows: ROWS - invalid - failed, failedRows: failed });
      const succeeded = events.map((event) => event.succeededRows as number);
      expect(succeeded).toEqual([...succeeded].sort((a, b) => a - b));
      await subscriber.dispose();
    }, 600_000);

    it('imports an XLSX workbook with a per-row report in JSON', async () => {
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('rows');
      sheet.addRow(['method', 'path', 'name']);
      for (let row = 1; row <= 40; row += 1) sheet.addRow([row === 7 ? 'FETCH' : 'POST', row === 12 ? null : `/x/${row}`, `xlsx ${row}`]);
      const file = Buffer.from(await workbook.xlsx.writeBuffer());
      const created = await importFile(gateway.url, admin.token, { mutation: 'fundraising.request', mapping: IMPORT_MAPPING, file, filename: 'rows.xlsx' });
      expect(created).toMatchObject({ total_rows: 40, invalid_rows: 2 });
      await untilStatus(gateway.url, admin.token, created.operation_id, ['completed']);
      const report = (await (await fetch(`${gateway.url}/api/v1/bulk/operations/${created.operation_id}/report?format=json`, { headers: { authorization: `Bearer ${admin.token}` } })).json()) as Array<{
        rowNumber: number;
        status: string;
        errors: Array<{ column: string | null; message: string }>;
      }>;
      expect(report).toHaveLength(40);
      expect(report.filter((row) => row.status === 'invalid').map((row) => [row.rowNumber, row.errors[0]?.column])).toEqual([
        [7, 'method'],
        [12, 'path'],
      ]);
      expect(report.filter((row) => row.status === 'succeeded')).toHaveLength(38);
      expect(target.calls.filter((call) => String(call.body['name']).startsWith('xlsx '))).toHaveLength(38);
    }, 60_000);

    it("keeps a job from every other user (not found), refuses a bad mapping, and retries failed rows for the owner", async () => {
      const alice = await registerAndLogin(gateway.url, `alice-${Date.now()}@example.test`);
      const bob = await registerAndLogin(gateway.url, `bob-${Date.now()}@example.test`);
      const csv = 'method,path,name\nPOST,/fail,a\nPOST,/ok,b\n';
      const created = await importFile(gateway.url, alice.token, { mutation: 'fundraising.request', mapping: IMPORT_MAPPING, file: csv, filename: 'a.csv' });
      await untilStatus(gateway.url, alice.token, created.operation_id, ['completed']);

      const id = created.operation_id;
      const asBob = { authorization: `Bearer ${bob.token}` };
      expect((await operationOf(gateway.url, bob.token, id)).status).toBe(404);
      expect((await fetch(`${gateway.url}/api/v1/bulk/operations/${id}/report`, { headers: asBob })).status).toBe(404);
      expect((await fetch(`${gateway.url}/api/v1/bulk/operations/${id}/cancel`, { method: 'POST', headers: asBob })).status).toBe(404);
      expect((await fetch(`${gateway.url}/api/v1/bulk/operations/${id}/retry`, { method: 'POST', headers: asBob })).status).toBe(404);
      const bobsList = (await (await fetch(`${gateway.url}/api/v1/bulk/operations`, { headers: asBob })).json()) as { data: { items: unknown[] } };
      expect(bobsList.data.items).toEqual([]);

      // The owner retries the failed row; it fails again, and was run twice only because asked.
      const retried = await fetch(`${gateway.url}/api/v1/bulk/operations/${id}/retry`, { method: 'POST', headers: { authorization: `Bearer ${alice.token}` } });
      expect(retried.status).toBe(202);
      const again = await untilStatus(gateway.url, alice.token, id, ['completed']);
      expect(again).toMatchObject({ succeeded_rows: 1, failed_rows: 1 });
      expect(target.calls.filter((call) => call.body['name'] === 'a' && String(call.body['key']).startsWith(id))).toHaveLength(2);

      const badMapping = await postImport(gateway.url, alice.token, { mutation: 'fundraising.request', mapping: { nosuch: 'method' }, file: csv, filename: 'a.csv' });
      expect(badMapping.status).toBe(400);
      expect(((await badMapping.json()) as { error: string }).error).toMatch(/no argument 'nosuch'/);
      const missingColumn = await postImport(gateway.url, alice.token, { mutation: 'fundraising.request', mapping: { method: 'verb', path: 'path' }, file: csv, filename: 'a.csv' });
      expect(missingColumn.status).toBe(400);
    }, 60_000);
  });
}

suite('bulk import on PGlite (in process)', async () => ({ env: {}, drop: async () => undefined }));

describe.runIf(postgresAvailable)('on Postgres', () => {
  suite('bulk import on Postgres', async () => {
    const database: TestDatabase = await createTestDatabase();
    return { env: { DATABASE_URL: database.url }, drop: () => database.drop() };
  });
});
