import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { login, registerAndLogin } from '../support/account-flows.ts';
import { ADMIN, startTestGateway } from '../support/gateway-harness.ts';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.ts';
import { graphql } from '../support/graphql-client.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.ts';
import { untilStatus } from './bulk-flows.ts';

const DELIVERIES = /* GraphQL */ `
  query Deliveries($after: String) {
    webhookDeliveries(first: 100, after: $after) { nodes { id eventType status attemptCount endpoint { id url } } pageInfo { endCursor hasNextPage } }
  }
`;

const WIDE_DELIVERIES = /* GraphQL */ `
  query WideDeliveries($after: String) {
    webhookDeliveries(first: 100, after: $after) { nodes { id eventType payload } pageInfo { endCursor hasNextPage } }
  }
`;

const START = /* GraphQL */ `
  mutation($input: StartBulkExportInput!) { startBulkExport(input: $input) { id status } }
`;

/** `count` delivered webhooks of one endpoint owned by `ownerId`, written straight into the tables. */
async function seedDeliveries(query: (sql: string, values: unknown[]) => Promise<unknown>, ownerId: string, count: number): Promise<string> {
  const endpointId = '11111111-1111-4111-8111-111111111111';
  await query(`INSERT INTO webhook_endpoints (id, owner_id, url, event_types, secret, updated_at) VALUES ($1, $2, 'https://example.com/hook', '{webhook.test}', 'whsec_x', now())`, [endpointId, ownerId]);
  await query(`INSERT INTO webhook_messages (id, type, owner_id, payload, occurred_at) SELECT 'msg_' || g, 'webhook.test', $1, json_build_object('message', repeat('x', 3000)), now() FROM generate_series(1, $2::int) g`, [ownerId, count]);
  await query(
    `INSERT INTO webhook_deliveries (id, message_id, endpoint_id, status, attempt_count, created_at) SELECT gen_random_uuid(), 'msg_' || g, $1, 'succeeded', 1, now() - g * interval '1 millisecond' FROM generate_series(1, $2::int) g`,
    [endpointId, count],
  );
  return endpointId;
}

async function exportAndWait(url: string, token: string, format: string, query = DELIVERIES) {
  const started = await graphql<{ startBulkExport: { id: string } }>(url, START, { input: { query, format } }, { token });
  expect(started.errors).toBeUndefined();
  const id = started.data!.startBulkExport.id;
  await untilStatus(url, token, id, ['completed', 'failed'], 300_000);
  const read = await graphql<{ bulkOperation: { status: string; totalRows: number; downloadUrl: string | null; error: string | null } }>(
    url,
    'query($id: ID!) { bulkOperation(id: $id) { status totalRows downloadUrl error } }',
    { id },
    { token },
  );
  return { id, operation: read.data!.bulkOperation };
}

describe('bulk export on PGlite (in process)', () => {
  let gateway: RunningGateway;
  let admin: { token: string; userId: string };
  beforeAll(async () => {
    gateway = await startTestGateway({ WEBHOOK_WORKER_ENABLED: 'false', BULK_POLL_MS: '50' });
    admin = await login(gateway.url, ADMIN.email, ADMIN.password);
  });
  afterAll(async () => gateway?.close());

  it('pages through a connection as the caller into CSV, JSON lines and XLSX, behind a signed link only the link opens', async () => {
    // Rows seeded through the running gateway's own database is not possible from here, so through GraphQL: none exist yet.
    const empty = await exportAndWait(gateway.url, admin.token, 'JSONL');
    expect(empty.operation).toMatchObject({ status: 'COMPLETED', totalRows: 0 });

    const bob = await registerAndLogin(gateway.url, `bob-export-${Date.now()}@example.test`);
    const endpoint = await graphql<{ createWebhookEndpoint: { endpoint: { id: string } } }>(
      gateway.url,
      'mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } } }',
      { input: { url: 'https://example.com/hook', eventTypes: ['webhook.test'] } },
      { token: admin.token },
    );
    expect(endpoint.errors).toBeUndefined();
    for (let i = 0; i < 230; i += 1) {
      const sent = await graphql(gateway.url, 'mutation($id: ID!) { sendTestWebhook(endpointId: $id, message: "x") { id } }', { id: endpoint.data!.createWebhookEndpoint.endpoint.id }, { token: admin.token });
      expect(sent.errors).toBeUndefined();
    }

    const csv = await exportAndWait(gateway.url, admin.token, 'CSV');
    expect(csv.operation).toMatchObject({ status: 'COMPLETED', totalRows: 230 });
    const link = new URL(csv.operation.downloadUrl!);
    const file = await fetch(link);
    expect(file.status).toBe(200);
    const rows = parse(await file.text(), { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(230);
    expect(Object.keys(rows[0]!)).toEqual(['id', 'eventType', 'status', 'attemptCount', 'endpoint.id', 'endpoint.url']);
    expect(new Set(rows.map((row) => row['id'])).size).toBe(230);

    // The link is the credential: altered or expired, it opens nothing; the owner's route needs the owner.
    const forged = new URL(link);
    forged.searchParams.set('expires', String(Number(link.searchParams.get('expires')) + 60));
    expect((await fetch(forged)).status).toBe(401);
    const expired = new URL(link);
    expired.searchParams.set('expires', '1000');
    expect((await fetch(expired)).status).toBe(401);
    expect((await fetch(`${gateway.url}/api/v1/bulk/operations/${csv.id}/download`, { headers: { authorization: `Bearer ${bob.token}` } })).status).toBe(404);
    const bobSees = await graphql(gateway.url, 'query($id: ID!) { bulkOperation(id: $id) { id downloadUrl } }', { id: csv.id }, { token: bob.token });
    expect(bobSees.data).toEqual({ bulkOperation: null });
    // Bob's own export of the same query sees only his (no) deliveries: it ran as him.
    const bobs = await exportAndWait(gateway.url, bob.token, 'JSONL');
    expect(bobs.operation).toMatchObject({ status: 'COMPLETED', totalRows: 0 });

    const xlsx = await exportAndWait(gateway.url, admin.token, 'XLSX');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await (await fetch(xlsx.operation.downloadUrl!)).arrayBuffer());
    const sheet = workbook.worksheets[0]!;
    expect(sheet.rowCount).toBe(231);
    expect(sheet.getRow(1).values).toEqual([undefined, 'id', 'eventType', 'status', 'attemptCount', 'endpoint.id', 'endpoint.url']);

    const jsonl = await exportAndWait(gateway.url, admin.token, 'JSONL');
    const lines = (await (await fetch(`${gateway.url}/api/v1/bulk/operations/${jsonl.id}/download`, { headers: { authorization: `Bearer ${admin.token}` } })).text()).trim().split('\n');
    expect(lines).toHaveLength(230);
    expect(JSON.parse(lines[0]!)).toMatchObject({ eventType: 'webhook.test', endpoint: { url: 'https://example.com/hook' } });

    const bad = await graphql(gateway.url, START, { input: { query: 'query { nosuch', format: 'CSV' } }, { token: admin.token });
    expect(bad.errors?.[0]?.extensions?.code).toBe('VALIDATION_ERROR');
  }, 300_000);
});

describe.runIf(postgresAvailable)('bulk export with flat memory (Postgres, gateway process)', () => {
  let database: TestDatabase;
  let gateway: GatewayProcess | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await gateway?.process.stop('SIGKILL');
  });
  afterAll(async () => database?.drop());

  it('streams an 80,000-row export (about 230 MB) to its file while the gateway RSS stays flat', async () => {
    // The heap is capped well below the file: an export that held its rows would die of it (strings live on the heap).
    gateway = await startGatewayProcess({ DATABASE_URL: database.url, WEBHOOK_WORKER_ENABLED: 'false', BULK_POLL_MS: '50', LOG_LEVEL: 'error', NODE_OPTIONS: '--max-old-space-size=200' }, 150_000);
    const admin = await login(gateway.url, ADMIN.email, ADMIN.password);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const count = 80_000;
    try {
      await seedDeliveries((sql, values) => client.query(sql, values), admin.userId, count);
    } finally {
      await client.end();
    }
    const rss = async () => Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${gateway!.process.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
    const baseline = await rss();
    const samples: number[] = [];
    const sampler = setInterval(() => void rss().then((value) => samples.push(value)), 100);
    const started = await graphql<{ startBulkExport: { id: string } }>(gateway.url, START, { input: { query: WIDE_DELIVERIES, format: 'CSV' } }, { token: admin.token });
    const id = started.data!.startBulkExport.id;
    await untilStatus(gateway.url, admin.token, id, ['completed', 'failed'], 500_000);
    clearInterval(sampler);
    const file = await fetch(`${gateway.url}/api/v1/bulk/operations/${id}/download`, { headers: { authorization: `Bearer ${admin.token}` } });
    const size = Number(file.headers.get('content-length'));
    const rows = parse(await file.text(), { columns: true }) as Array<{ id: string; payload: string }>;
    expect(rows).toHaveLength(count);
    expect(new Set(rows.map((row) => row.id)).size).toBe(count);
    expect(size).toBeGreaterThan(220 * 1024 * 1024);
    // Flat, not growing with the rows written: the second half of the export (115 MB more of file) adds less than
    // 32 MB to the peak of the first half, and the whole job less than 128 MB over the idle gateway (measured: about
    // 2 MB and 45 MB). Without the heap cap V8 grows the heap lazily and RSS says little. Bounds are generous.
    const half = Math.floor(samples.length / 2);
    const firstPeak = Math.max(...samples.slice(0, half));
    const secondPeak = Math.max(...samples.slice(half));
    const mib = (bytes: number) => Math.round(bytes / 1024 / 1024);
    console.log(`export RSS: baseline ${mib(baseline)} MiB, first-half peak ${mib(firstPeak)} MiB, second-half peak ${mib(secondPeak)} MiB, file ${mib(size)} MiB`);
    expect(secondPeak - firstPeak).toBeLessThan(32 * 1024 * 1024);
    expect(secondPeak - baseline).toBeLessThan(128 * 1024 * 1024);
  }, 600_000);
});
