import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { login } from '../support/account-flows.ts';
import { startBulkTargetSubgraph, type BulkTargetSubgraph } from '../support/bulk-target-subgraph.ts';
import { csvOf, expectedOf, IMPORT_MAPPING } from '../support/bulk-rows.ts';
import { ADMIN } from '../support/gateway-harness.ts';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.ts';
import { waitFor } from '../support/subscription-client.ts';
import { bulkEnv, importFile, untilStatus } from './bulk-flows.ts';

const ROWS = 12_000;
const BATCH = 64;

async function reportOf(url: string, token: string, id: string): Promise<Map<number, { status: string; message: string }>> {
  const response = await fetch(`${url}/api/v1/bulk/operations/${id}/report?format=csv`, { headers: { authorization: `Bearer ${token}` } });
  const lines = parse(await response.text(), { columns: true }) as Array<{ row_number: string; status: string; message: string }>;
  return new Map(lines.map((line) => [Number(line.row_number), line]));
}

function suite(name: string, storage: () => Promise<{ env: Record<string, string>; drop(): Promise<void> }>) {
  describe(name, () => {
    let target: BulkTargetSubgraph;
    let env: Record<string, string>;
    let drop: () => Promise<void> = async () => undefined;
    const gateways: GatewayProcess[] = [];

    beforeAll(async () => {
      const store = await storage();
      drop = () => store.drop();
      // Slow enough per batch that the kill lands mid-import.
      target = await startBulkTargetSubgraph({ delayMs: 40 });
      env = bulkEnv(target.url, { ...store.env, BULK_BATCH_SIZE: String(BATCH), BULK_LEASE_MS: '1500', LOG_LEVEL: 'error' });
    });
    afterEach(async () => {
      await Promise.all(gateways.splice(0).map((gateway) => gateway.process.stop('SIGKILL')));
    });
    afterAll(async () => {
      await target?.close();
      await drop();
    });

    const killMidway = async (mapping: Record<string, string>, marker: string) => {
      const first = await startGatewayProcess(env, 150_000);
      gateways.push(first);
      const admin = await login(first.url, ADMIN.email, ADMIN.password);
      const csv = csvOf(ROWS).replaceAll('"donor ', `"${marker} `);
      const created = await importFile(first.url, admin.token, { mutation: 'fundraising.request', mapping, file: csv, filename: 'kill.csv' });
      const ours = () => target.calls.filter((call) => String(call.body['name']).startsWith(`${marker} `));
      await waitFor(() => ours().length > ROWS / 4, 120_000, 'a quarter of the rows to run');
      await first.process.stop('SIGKILL');
      const callsAtKill = ours().length;
      expect(callsAtKill).toBeLessThan(ROWS * 0.9);

      const second = await startGatewayProcess(env, 150_000);
      gateways.push(second);
      const done = await untilStatus(second.url, admin.token, created.operation_id, ['completed', 'failed'], 300_000);
      return { admin, second, done, calls: ours(), id: created.operation_id };
    };

    it('resumes an import after SIGKILL: with $rowKey every row is applied exactly once and none is skipped', async () => {
      const { admin, second, done, calls, id } = await killMidway(IMPORT_MAPPING, 'keyed');
      const expected = Array.from({ length: ROWS }, (_, index) => expectedOf(index + 1));
      const invalid = expected.filter((outcome) => outcome === 'invalid').length;
      const failed = expected.filter((outcome) => outcome === 'failed').length;
      expect(done).toMatchObject({ status: 'completed', succeeded_rows: ROWS - invalid - failed, failed_rows: failed, invalid_rows: invalid });
      const keys = calls.map((call) => String(call.body['key']));
      const applied = keys.filter((key) => key.startsWith(id) && target.applied.has(key));
      // Every valid row reached the target (none skipped); only rows of the batch in flight at the kill were sent
      // again, with their key, so the target applied each once.
      expect(new Set(applied).size).toBe(ROWS - invalid - failed);
      const resent = [...target.repeated.keys()].filter((key) => key.startsWith(id));
      expect(resent.length).toBeLessThanOrEqual(BATCH);
      expect(calls.length - (ROWS - invalid)).toBeLessThanOrEqual(BATCH);
      const resentRows = resent.map((key) => Number(key.split(':')[1]));
      if (resentRows.length > 0) expect(Math.max(...resentRows) - Math.min(...resentRows)).toBeLessThan(BATCH * 2);
      const report = await reportOf(second.url, admin.token, id);
      expect(report.size).toBe(ROWS);
      for (let row = 1; row <= ROWS; row += 1) expect(report.get(row)?.status, `row ${row}`).toBe(expectedOf(row));
    }, 600_000);

    it('without a row key never runs a row twice: the rows in flight at the kill are reported failed, every other row ran once', async () => {
      const mapping = { method: 'method', path: 'path', 'body.name': 'name' };
      const { admin, second, done, calls, id } = await killMidway(mapping, 'unkeyed');
      const perName = new Map<string, number>();
      for (const call of calls) perName.set(String(call.body['name']), (perName.get(String(call.body['name'])) ?? 0) + 1);
      expect([...perName.values()].every((count) => count === 1)).toBe(true);
      const report = await reportOf(second.url, admin.token, id);
      expect(report.size).toBe(ROWS);
      const inDoubt = [...report.entries()].filter(([, line]) => /gateway stopped while this row ran/.test(line.message));
      expect(inDoubt.length).toBeLessThanOrEqual(BATCH);
      for (let row = 1; row <= ROWS; row += 1) {
        const line = report.get(row)!;
        if (inDoubt.some(([number]) => number === row)) continue;
        expect(line.status, `row ${row}`).toBe(expectedOf(row));
        // Every row reported as run reached the target exactly once; invalid ones never did.
        expect(perName.get(`unkeyed ${row}`) ?? 0, `row ${row}`).toBe(expectedOf(row) === 'invalid' ? 0 : 1);
      }
      expect(done.status).toBe('completed');
    }, 600_000);
  });
}

describe.runIf(postgresAvailable)('on Postgres', () => {
  suite('bulk import survives SIGKILL (Postgres, gateway processes)', async () => {
    const database: TestDatabase = await createTestDatabase();
    return { env: { DATABASE_URL: database.url }, drop: () => database.drop() };
  });
});

suite('bulk import survives SIGKILL (PGlite folder, gateway processes)', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'bulk-restart-'));
  return { env: { PGLITE_DATA_DIR: join(folder, 'pglite'), UPLOAD_DIR: join(folder, 'uploads') }, drop: () => rm(folder, { recursive: true, force: true }) };
});
