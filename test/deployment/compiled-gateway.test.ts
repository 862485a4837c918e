import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { untilStatus } from '../bulk/bulk-flows.ts';
import { login } from '../support/account-flows.ts';
import { ensureBuilt } from '../support/build.ts';
import { ADMIN, TEST_INTERNAL_SECRET, TEST_JWT_SECRET } from '../support/gateway-harness.ts';
import { graphql } from '../support/graphql-client.ts';
import { compiledEntry, freePort, startNodeProcess, type StartedProcess } from '../support/processes.ts';
import { enrolMfa } from '../support/session-flows.ts';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

// The other suites run the gateway from source; this one runs what `npm start`
// runs (the build's bundle, scripts/bundle.mjs) and walks through what the
// bundle could break: modules that find files beside themselves, and the
// packages left outside it, loaded on first use. And, watching every connection
// the process opens, that a start sends nothing anywhere: @apollo/gateway's data
// collection (cloud metadata probes, an hourly report to Apollo) stays off.
describe('the compiled gateway as npm start runs it', () => {
  let gateway: StartedProcess;
  let url: string;
  let folder: string;
  let connections: string;
  let backend: Server;

  beforeAll(async () => {
    ensureBuilt();
    // A backend behind the proxy routes: one outbound connection the probe must see.
    backend = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"pong":true}'));
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    folder = mkdtempSync(join(tmpdir(), 'compiled-gateway-'));
    connections = join(folder, 'connections.jsonl');
    const port = await freePort();
    const { entry, nodeFlags, startEnv } = compiledEntry('start');
    gateway = await startNodeProcess({
      entry,
      nodeFlags: [...nodeFlags, '--import', './test/support/outbound-connections-probe.mjs'],
      startEnv,
      env: {
        PORT: String(port),
        HOST: '127.0.0.1',
        PGLITE_DATA_DIR: join(folder, 'pglite'),
        JWT_SECRET: TEST_JWT_SECRET,
        INTERNAL_TOKEN_SECRET: TEST_INTERNAL_SECRET,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        LOG_LEVEL: 'warn',
        BULK_POLL_MS: '50',
        OUTBOUND_CONNECTIONS_LOG: connections,
        BACKEND_ROUTES: `/api/v1/*=http://127.0.0.1:${(backend.address() as AddressInfo).port}`,
      },
      ready: /Gateway ready/,
      timeoutMs: 60_000,
    });
    url = `http://127.0.0.1:${port}`;
  }, 240_000);
  afterAll(async () => {
    await gateway?.stop();
    await new Promise((resolve) => backend?.close(resolve));
    rmSync(folder, { recursive: true, force: true });
  });

  it('serves GraphQL across subgraphs, the REST bridge, the explorer and the API docs from the bundle', async () => {
    const admin = await login(url, ADMIN.email, ADMIN.password);
    const created = await fetch(`${url}/api-keys/create`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bundle' }),
    });
    expect(created.status).toBe(201);
    const me = await graphql<{ me: { email: string; apiKeys: Array<{ name: string }> } }>(url, '{ me { email apiKeys { name } } }', {}, { token: admin.token });
    expect(me.errors).toBeUndefined();
    expect(me.data?.me).toMatchObject({ email: ADMIN.email, apiKeys: [{ name: 'bundle' }] });
    // Files found through import.meta.url and require.resolve from inside the bundle.
    for (const path of ['/graphiql', '/graphiql/assets/graphiql.min.js', '/api/docs', '/api/docs/assets/swagger-ui.css', '/api/openapi.json']) {
      expect((await fetch(`${url}${path}`)).status, path).toBe(200);
    }
  });

  it('loads the packages left outside the bundle when first used: the QR encoder of an enrolment, exceljs of an XLSX export', async () => {
    const admin = await login(url, ADMIN.email, ADMIN.password);
    expect((await enrolMfa(url, admin.token)).qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);
    const started = await graphql<{ startBulkExport: { id: string } }>(
      url,
      'mutation($input: StartBulkExportInput!) { startBulkExport(input: $input) { id } }',
      { input: { query: '{ me { apiKeys { name } } }', format: 'XLSX' } },
      { token: admin.token },
    );
    expect(started.errors).toBeUndefined();
    const id = started.data!.startBulkExport.id;
    expect(await untilStatus(url, admin.token, id, ['completed', 'failed'], 60_000)).toMatchObject({ status: 'completed' });
    const read = await graphql<{ bulkOperation: { downloadUrl: string } }>(url, 'query($id: ID!) { bulkOperation(id: $id) { downloadUrl } }', { id }, { token: admin.token });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await (await fetch(read.data!.bulkOperation.downloadUrl)).arrayBuffer());
    expect(workbook.worksheets[0]?.rowCount).toBeGreaterThan(0);
  });

  it('opens no connection and resolves no name beyond loopback while it starts and serves', async () => {
    // The cloud-metadata probes of Apollo's data collection start with the gateway; give them time to show.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const admin = await login(url, ADMIN.email, ADMIN.password);
    const proxied = await fetch(`${url}/api/v1/ping`, { headers: { authorization: `Bearer ${admin.token}` } });
    expect(await proxied.json()).toEqual({ pong: true });
    const seen = readFileSync(connections, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { kind: string; host: string });
    // The probe works: it saw the proxied request's connection.
    expect(seen).toContainEqual(expect.objectContaining({ kind: 'connect', host: '127.0.0.1', port: (backend.address() as AddressInfo).port }));
    expect(seen.filter((entry) => !LOOPBACK.has(entry.host))).toEqual([]);
  });
});
