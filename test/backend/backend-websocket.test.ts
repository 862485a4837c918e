import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { RunningGateway } from '../../gateway/app/start-gateway.ts';
import { registerAndLogin } from '../support/account-flows.ts';
import { startTestGateway } from '../support/gateway-harness.ts';
import { startDownUpstream } from '../support/upstream-servers.ts';

const SIGNING_SECRET = 'backend-ws-signing-secret-0123456789abcdef';

interface Closed {
  readonly code: number;
  readonly reason: string;
}

const closedOf = (socket: WebSocket): Promise<Closed> =>
  new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));

const opened = (socket: WebSocket): Promise<void> =>
  new Promise((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });

const nextMessage = (socket: WebSocket): Promise<{ data: Buffer; isBinary: boolean }> =>
  new Promise((resolve) => socket.once('message', (data, isBinary) => resolve({ data: data as Buffer, isBinary })));

/** The HTTP answer to a refused upgrade. */
const refusalOf = (socket: WebSocket): Promise<{ status: number; body: any }> =>
  new Promise((resolve, reject) => {
    socket.once('open', () => reject(new Error('the upgrade was accepted')));
    socket.once('unexpected-response', (_request, response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
  });

describe('the backend WebSocket proxy (BACKEND_WS_PATH → BACKEND_WS_URL)', () => {
  let backend: WebSocketServer;
  const backendSockets: Array<{ socket: WebSocket; headers: IncomingHttpHeaders; url: string; closed: Promise<Closed> }> = [];
  let gateway: RunningGateway;
  let downGateway: RunningGateway;
  let token: string;
  let wsUrl: string;

  beforeAll(async () => {
    backend = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (protocols) => (protocols.has('chain.v1') ? 'chain.v1' : false) });
    await new Promise<void>((resolve) => backend.once('listening', () => resolve()));
    backend.on('connection', (socket, request) => {
      backendSockets.push({ socket, headers: request.headers, url: request.url ?? '', closed: closedOf(socket) });
      // A feed that greets at once: the greeting can travel with the handshake's answer.
      if (request.url?.includes('greet=1')) socket.send('welcome');
      // An echo server that answers "close:<code>" by closing with that code.
      socket.on('message', (data, isBinary) => {
        const text = isBinary ? '' : data.toString();
        if (text.startsWith('close:')) return socket.close(Number(text.slice(6)), 'backend says bye');
        if (text === 'die') return socket.terminate();
        socket.send(data, { binary: isBinary });
      });
    });
    const port = (backend.address() as AddressInfo).port;
    const down = await startDownUpstream();
    gateway = await startTestGateway({ UPSTREAM_SIGNING_SECRET: SIGNING_SECRET, BACKEND_WS_PATH: '/ws/backend', BACKEND_WS_URL: `ws://127.0.0.1:${port}/stream?feed=blocks` });
    downGateway = await startTestGateway({ BACKEND_WS_URL: down.url.replace('http', 'ws') });
    token = (await registerAndLogin(gateway.url, 'ws-user@backend.test')).token;
    wsUrl = `${gateway.url.replace('http', 'ws')}/ws/backend`;
  }, 120_000);

  afterAll(async () => {
    await gateway?.close();
    await downGateway?.close();
    await new Promise<void>((resolve) => (backend ? backend.close(() => resolve()) : resolve()));
  });

  const connect = async (query = ''): Promise<{ client: WebSocket; upstream: (typeof backendSockets)[number] }> => {
    const before = backendSockets.length;
    const client = new WebSocket(`${wsUrl}${query}`, ['chain.v1'], { headers: { authorization: `Bearer ${token}` } });
    await opened(client);
    expect(backendSockets.length).toBe(before + 1);
    return { client, upstream: backendSockets[before]! };
  };

  it('relays text and binary frames both ways, negotiates the backend subprotocol, and signs the principal for the backend', async () => {
    const { client, upstream } = await connect('?since=100&api_key=should-not-travel');
    expect(client.protocol).toBe('chain.v1');
    client.send('hello backend');
    expect((await nextMessage(client)).data.toString()).toBe('hello backend');
    client.send(Buffer.from([1, 2, 3, 255]));
    const binary = await nextMessage(client);
    expect(binary.isBinary).toBe(true);
    expect([...binary.data]).toEqual([1, 2, 3, 255]);

    expect(upstream.url).toBe('/stream?feed=blocks&since=100');
    expect(upstream.headers.authorization).toBeUndefined();
    expect(upstream.headers['x-forwarded-for']).toBe('127.0.0.1');
    const { payload } = await jwtVerify(String(upstream.headers['x-gateway-principal']), new TextEncoder().encode(SIGNING_SECRET), { audience: '/ws/backend' });
    expect(payload.kind).toBe('user');
    client.close();
    await closedOf(client);
  });

  it('delivers what the backend sends the moment it accepts', async () => {
    const client = new WebSocket(`${wsUrl}?greet=1`, { headers: { authorization: `Bearer ${token}` } });
    const greeting = nextMessage(client);
    await opened(client);
    expect((await greeting).data.toString()).toBe('welcome');
    client.close();
    await closedOf(client);
  });

  it('propagates a close from the client to the backend, code and reason', async () => {
    const { client, upstream } = await connect();
    client.close(4000, 'client done');
    expect(await upstream.closed).toEqual({ code: 4000, reason: 'client done' });
  });

  it('propagates a close from the backend to the client, and a vanished backend as 1014', async () => {
    const first = await connect();
    const closed = closedOf(first.client);
    first.client.send('close:4001');
    expect(await closed).toEqual({ code: 4001, reason: 'backend says bye' });

    const second = await connect();
    const lost = closedOf(second.client);
    second.client.send('die');
    expect(await lost).toEqual({ code: 1014, reason: 'Backend went away' });
  });

  it('refuses a bad or missing identity with a 401 envelope before the backend is dialled', async () => {
    const before = backendSockets.length;
    const bad = await refusalOf(new WebSocket(wsUrl, { headers: { authorization: 'Bearer not-a-jwt' } }));
    expect(bad.status).toBe(401);
    expect(bad.body).toMatchObject({ success: false, error_code: 'AUTHENTICATION_REQUIRED' });
    const anonymous = await refusalOf(new WebSocket(wsUrl));
    expect(anonymous.status).toBe(401);
    expect(backendSockets.length).toBe(before);
  });

  it('answers a backend that is down with a 503 envelope naming it', async () => {
    const login = await registerAndLogin(downGateway.url, 'ws-down@backend.test');
    const refused = await refusalOf(new WebSocket(`${downGateway.url.replace('http', 'ws')}/ws/backend`, { headers: { authorization: `Bearer ${login.token}` } }));
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ error_code: 'SERVICE_UNAVAILABLE', error: "Backend '/ws/backend' is unavailable; try again shortly" });
  });

  it('counts connections in /metrics and /health/detailed, and closes both sides with 1001 at shutdown', async () => {
    const { client, upstream } = await connect();
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/gateway_backend_websocket_connections\{backend="\/ws\/backend"\} 1/);
    expect(metrics).toMatch(/gateway_backend_websocket_messages_total\{backend="\/ws\/backend",direction="to_backend"\} [1-9]/);
    const health = ((await (await fetch(`${gateway.url}/health/detailed`)).json()) as any).data;
    expect(health.backend.websocket).toMatchObject({ path: '/ws/backend', status: 'up', connections: 1 });

    const clientClosed = closedOf(client);
    await gateway.close();
    expect((await clientClosed).code).toBe(1001);
    expect((await upstream.closed).code).toBe(1001);
  });
});
