// Every way input reaches a callback (busboy's parts, request targets, bodies that stop
// short, WebSocket upgrades and frames, messages on the event bus), driven with malformed
// input against a real gateway process: each bad input ends its own request or connection
// with a clear answer, and the process keeps serving everyone else.
import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { registerAndLogin } from '../support/account-flows.ts';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.ts';
import { graphql } from '../support/graphql-client.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.ts';
import { freePort } from '../support/processes.ts';
import { multipartBody, permutations, rawRequest, subsets, type FormPart } from '../support/raw-http.ts';
import { killRedis, startRedis } from '../support/redis-server.ts';
import { wsUrlOf } from '../support/subscription-client.ts';

const ROW = 'id\n00000000-0000-4000-8000-000000000001\n';
const PARTS: Record<'mutation' | 'mapping' | 'format' | 'file', FormPart> = {
  mutation: { name: 'mutation', value: 'revokeApiKey' },
  mapping: { name: 'mapping', value: '{"id":"id"}' },
  format: { name: 'format', value: 'csv' },
  file: { name: 'file', value: ROW, filename: 'rows.csv' },
};
type PartName = keyof typeof PARTS;

/** What the import answers a form with its parts in this order: the rows are read against fields sent before the file. */
function expectedImportStatus(order: readonly PartName[]): number {
  const file = order.indexOf('file');
  if (file < 0) return 400;
  const before = order.slice(0, file);
  return before.includes('mutation') && before.includes('mapping') ? 202 : 400;
}

interface Setup {
  readonly env: Record<string, string>;
  readonly redisUrl: string | null;
  cleanup(): Promise<void>;
}

function entryPointSuite(name: string, withRedis: boolean, setup: () => Promise<Setup>): void {
  describe(`malformed input at every entry point (${name})`, () => {
    let gateway: GatewayProcess;
    let environment: Setup;
    let attacker: { token: string };
    let bystander: { token: string };
    let bystanderSocket: WebSocket;
    const accepted: string[] = [];

    const post = (path: string, body: Buffer | string, headers: Record<string, string>) =>
      fetch(`${gateway.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${attacker.token}`, ...headers }, body });

    /** The process is up, answers health, serves another user, and that user's WebSocket is still open. */
    const expectServing = async (): Promise<void> => {
      expect(gateway.process.child.exitCode, gateway.process.output().slice(-2_000)).toBeNull();
      expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
      const me = await graphql<{ me: { email: string } }>(gateway.url, '{ me { email } }', {}, { token: bystander.token });
      expect(me.status).toBe(200);
      expect(me.data?.me.email).toMatch(/^bystander@/);
      expect(bystanderSocket.readyState).toBe(WebSocket.OPEN);
    };

    beforeAll(async () => {
      environment = await setup();
      gateway = await startGatewayProcess({ LOG_LEVEL: 'info', ...environment.env }, 90_000);
      attacker = await registerAndLogin(gateway.url, `attacker@${name.replaceAll(/\W/g, '')}.test`);
      bystander = await registerAndLogin(gateway.url, `bystander@${name.replaceAll(/\W/g, '')}.test`);
      bystanderSocket = new WebSocket(wsUrlOf(gateway.url), 'graphql-transport-ws');
      await new Promise<void>((resolve, reject) => {
        bystanderSocket.once('open', () => bystanderSocket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${bystander.token}` } })));
        bystanderSocket.once('message', (data) => (JSON.parse(String(data)).type === 'connection_ack' ? resolve() : reject(new Error(String(data)))));
        bystanderSocket.once('error', reject);
      });
    }, 120_000);

    afterAll(async () => {
      bystanderSocket?.close();
      const exitCode = await gateway?.process.stop('SIGTERM');
      const output = gateway?.process.output() ?? '';
      await environment?.cleanup();
      // Nothing got past the entry points, and the replica drained and stopped cleanly.
      expect(output).not.toContain('escaped every entry point');
      expect(exitCode).toBe(0);
    }, 60_000);

    it('answers a bulk import in every order and subset of its parts, and only a complete form with its fields first makes a job', async () => {
      const names = Object.keys(PARTS) as PartName[];
      const orders = subsets(names).flatMap((subset) => permutations(subset));
      expect(orders).toHaveLength(65);
      for (const order of orders) {
        const { body, contentType } = multipartBody(order.map((part) => PARTS[part]));
        const response = await post('/api/v1/bulk/import', body, { 'content-type': contentType });
        const answer = (await response.json()) as { success: boolean; error_code?: string; data?: { operation_id: string } };
        expect({ order, status: response.status }).toEqual({ order, status: expectedImportStatus(order) });
        if (response.status === 202) accepted.push(answer.data!.operation_id);
        else expect(answer).toMatchObject({ success: false, error_code: 'VALIDATION_ERROR' });
      }
      await expectServing();
      const jobs = await graphql<{ bulkOperations: { nodes: Array<{ id: string }> } }>(gateway.url, '{ bulkOperations(first: 100) { nodes { id } } }', {}, { token: attacker.token });
      expect(jobs.data?.bulkOperations.nodes.map((job) => job.id).sort()).toEqual([...accepted].sort());
    });

    it('refuses duplicate, foreign, oversized and truncated parts on both upload routes with a 4xx', async () => {
      const { mutation, mapping, file } = PARTS;
      // `bulkOnly`: a form /v1/upload takes (it reads the file alone) but the import refuses.
      const forms: Array<{ label: string; parts: FormPart[]; bulkOnly?: true }> = [
        { label: 'two files', parts: [mutation, mapping, file, { ...file, filename: 'again.csv' }] },
        { label: 'mutation twice', parts: [mutation, mutation, mapping, file] },
        { label: 'a file under another name', parts: [mutation, mapping, { ...file, name: 'document' }] },
        { label: 'a field past its size', parts: [{ name: 'mutation', value: 'x'.repeat(70_000) }, mapping, file] },
        { label: 'mapping not JSON', parts: [mutation, { name: 'mapping', value: '{"id":' }, file], bulkOnly: true },
        { label: 'mapping nested 10,000 deep', parts: [mutation, { name: 'mapping', value: `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}` }, file], bulkOnly: true },
        { label: 'too many fields', parts: [...Array.from({ length: 25 }, (_, index) => ({ name: `f${index}`, value: 'x' })), file] },
      ];
      for (const path of ['/api/v1/bulk/import', '/v1/upload']) {
        for (const form of forms.filter((candidate) => path === '/api/v1/bulk/import' || !candidate.bulkOnly)) {
          const { body, contentType } = multipartBody(form.parts);
          const response = await post(path, body, { 'content-type': contentType });
          expect({ path, form: form.label, status: response.status }).toMatchObject({ path, form: form.label });
          expect(response.status, `${path} ${form.label}`).toBeGreaterThanOrEqual(400);
          expect(response.status, `${path} ${form.label}`).toBeLessThan(500);
        }
        const { body, contentType } = multipartBody([mutation, mapping, file]);
        const cut = body.subarray(0, body.length - 30);
        const truncated = await post(path, cut, { 'content-type': contentType });
        expect(truncated.status, `${path} truncated`).toBe(400);
        const noBoundary = await post(path, body, { 'content-type': 'multipart/form-data' });
        expect(noBoundary.status, `${path} no boundary`).toBe(400);
        const wrongBoundary = await post(path, body, { 'content-type': 'multipart/form-data; boundary=not-the-one' });
        expect(wrongBoundary.status, `${path} wrong boundary`).toBe(400);
        const notMultipart = await post(path, '{"file":"x"}', { 'content-type': 'application/json' });
        expect(notMultipart.status, `${path} not multipart`).toBe(400);
        // A client that sends half the body it announced and then gives up.
        const head = `POST ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${attacker.token}\r\nContent-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n\r\n`;
        const gaveUp = await rawRequest(gateway.url, Buffer.concat([Buffer.from(head), body.subarray(0, 60)]), { endAfterWrite: true, waitMs: 1_000 });
        expect(gaveUp.status === null || (gaveUp.status >= 400 && gaveUp.status < 500), gaveUp.text).toBe(true);
      }
      await expectServing();
    });

    it('answers request targets, framing and bodies no client library would send with a 4xx', async () => {
      const targets = ['//', '//[', '//a:99999/x', '///graphql', '/%', '/graphql?query=%', 'http://[::1/x', '*'];
      for (const target of targets) {
        const answer = await rawRequest(gateway.url, `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
        expect({ target, status: answer.status !== null && answer.status >= 400 && answer.status < 500 }).toEqual({ target, status: true });
      }
      const json = 'Content-Type: application/json\r\n';
      const frames = [
        `POST /graphql HTTP/1.1\r\nHost: x\r\n${json}Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
        `POST /graphql HTTP/1.1\r\nHost: x\r\n${json}Content-Length: 5\r\nContent-Length: 6\r\n\r\n{"a":1}`,
        `POST /auth/login HTTP/1.1\r\nHost: x\r\n${json}Content-Length: 200\r\n\r\n{"email":`,
      ];
      for (const frame of frames) {
        const answer = await rawRequest(gateway.url, frame, { endAfterWrite: true, waitMs: 1_000 });
        expect(answer.status === null || (answer.status >= 400 && answer.status < 500), answer.text).toBe(true);
      }
      await expectServing();
    });

    it('refuses JSON nested 200,000 levels deep with a 400 naming the limit, as a body, in variables and on the REST bridge', async () => {
      const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
      const request = 'mutation($body: JSON) { codeSandbox { request(method: POST, path: "/x", body: $body) { status } } }';
      const asVariable = await post('/graphql', `{"query":${JSON.stringify(request)},"variables":{"body":${deep(200_000)}}}`, { 'content-type': 'application/json' });
      expect(asVariable.status).toBe(400);
      expect(JSON.stringify(await asVariable.json())).toMatch(/JSON_MAX_DEPTH/);
      // GET's variables come from the query string, parsed by Apollo Server, not by the edge's body reader.
      const query = '{ codeSandbox { request(path: "/x", query: $q) { status } } }'.replace('{', 'query($q: JSON) {');
      const viaGet = await fetch(`${gateway.url}/graphql?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(`{"q":${deep(1_500)}}`)}`, {
        headers: { authorization: `Bearer ${attacker.token}`, 'apollo-require-preflight': 'true' },
      });
      expect(viaGet.status).toBe(400);
      expect(JSON.stringify(await viaGet.json())).toMatch(/JSON_MAX_DEPTH/);
      const onRest = await post('/v1/query', `{"query":${deep(200_000)}}`, { 'content-type': 'application/json' });
      expect(onRest.status).toBe(400);
      expect(await onRest.json()).toMatchObject({ success: false, error_code: 'VALIDATION_ERROR' });
      // 1e999 parses as Infinity, written as a literal or sent in variables.
      const literal = await graphql(gateway.url, 'mutation { codeSandbox { request(method: POST, path: "/x", body: 1e999) { status } } }', {}, { token: attacker.token });
      expect(literal.status).toBe(400);
      const inVariables = await post('/graphql', `{"query":${JSON.stringify(request)},"variables":{"body":{"n":1e999}}}`, { 'content-type': 'application/json' });
      expect(inVariables.status).toBe(400);
      expect(JSON.stringify(await inVariables.json())).toMatch(/body\.n/);
      await expectServing();
    });

    it('refuses broken upgrades and survives malformed frames on graphql-ws and /ws', async () => {
      const upgrade = (target: string, extra = '') =>
        rawRequest(gateway.url, `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`);
      for (const target of ['//', '//[', '/nowhere', '/graphql']) {
        const answer = await upgrade(target, target === '/graphql' ? '' : 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n');
        expect({ target, refused: answer.status !== null && answer.status >= 400 && answer.status < 500 }).toEqual({ target, refused: true });
      }
      const frames: Array<string | Buffer> = [
        'not json',
        Buffer.from([0xff, 0xfe, 0x00]),
        'null',
        '[]',
        '{"type":{}}',
        '{"type":"subscribe","id":"1","payload":{"query":"subscription { apiKeyEvents { type } }"}}',
        '{"type":"connection_init","payload":"x"}',
      ];
      for (const path of ['/graphql', '/ws']) {
        for (const frame of frames) {
          const socket = new WebSocket(wsUrlOf(gateway.url, path), path === '/graphql' ? 'graphql-transport-ws' : undefined);
          const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
          socket.on('error', () => undefined);
          await new Promise((resolve) => socket.once('open', resolve));
          socket.send(frame);
          // /ws answers a bad message and stays open; graphql-ws closes with a 44xx code.
          const code = await Promise.race([closed, new Promise<number>((resolve) => setTimeout(() => resolve(0), 500))]);
          if (code !== 0) expect(code === 1000 || (code >= 4000 && code < 4500), `${path} ${String(frame)} closed ${code}`).toBe(true);
          socket.terminate();
        }
      }
      await expectServing();
    });

    if (withRedis) it('drops messages on the event bus that are not events', async () => {
      const publisher = new Redis(environment.redisUrl!);
      try {
        for (const message of ['null', 'not json', '[]', '{"type":5}', '{"type":"api_key.created","payload":null}', '"x"']) await publisher.publish('platform:events', message);
      } finally {
        publisher.disconnect();
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      await expectServing();
    });
  });
}

entryPointSuite('embedded PGlite', false, async () => ({ env: { PGLITE_DATA_DIR: 'memory://' }, redisUrl: null, cleanup: async () => undefined }));

describe.runIf(postgresAvailable)('with Postgres and a Redis of its own', () => {
  entryPointSuite('Postgres and Redis', true, async () => {
    const database: TestDatabase = await createTestDatabase();
    const port = await freePort();
    const redis: ChildProcess = await startRedis(port);
    const redisUrl = `redis://127.0.0.1:${port}`;
    return {
      env: { DATABASE_URL: database.url, REDIS_URL: redisUrl },
      redisUrl,
      async cleanup() {
        await killRedis(redis);
        await database.drop();
      },
    };
  });
});
