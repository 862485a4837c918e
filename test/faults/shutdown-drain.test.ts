import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startTestGateway } from '../support/gateway-harness.ts';

const HEALTH_REQUEST = 'GET /health HTTP/1.1\r\nHost: gateway.test\r\nConnection: keep-alive\r\n\r\n';

/** A raw keep-alive connection, so the test decides exactly when each request's bytes are sent. */
function rawConnection(url: string): Promise<{ socket: Socket; received: () => string; ended: Promise<'closed' | 'reset'> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let data = '';
    socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
    const ended = new Promise<'closed' | 'reset'>((done) => {
      socket.once('error', () => done('reset'));
      socket.once('close', () => done('closed'));
    });
    socket.once('connect', () => resolve({ socket, received: () => data, ended }));
    socket.once('error', reject);
  });
}

const responsesIn = (text: string): string[] => text.split('HTTP/1.1 ').slice(1);

async function untilResponses(received: () => string, count: number): Promise<void> {
  for (let waited = 0; responsesIn(received()).length < count; waited += 10) {
    if (waited > 10_000) throw new Error(`no response ${count} after 10 s:\n${received()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('shutdown', () => {
  it('answers a request a client had already sent on a kept-alive connection when shutdown began, then closes it', async () => {
    const gateway = await startTestGateway();
    const connection = await rawConnection(gateway.url);
    connection.socket.write(HEALTH_REQUEST);
    await untilResponses(connection.received, 1);

    // Sent, but not yet read by the server (it reads on a later turn of the event loop) when shutdown starts.
    connection.socket.write(HEALTH_REQUEST);
    const closing = gateway.close();
    await untilResponses(connection.received, 2);
    const second = responsesIn(connection.received())[1]!;
    expect(second).toMatch(/^200 OK/);
    expect(second.toLowerCase()).toContain('connection: close');
    expect(await connection.ended).toBe('closed');
    await closing;
  });

  it('ends without waiting out the drain deadline when the only connection is idle', async () => {
    const gateway = await startTestGateway();
    const connection = await rawConnection(gateway.url);
    connection.socket.write(HEALTH_REQUEST);
    await untilResponses(connection.received, 1);
    let done = false;
    const closing = gateway.close().then(() => (done = true));
    // The drain deadline is 5 s; an idle connection is closed after the read grace (250 ms).
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(done).toBe(true);
    expect(await connection.ended).toBe('closed');
    await closing;
  });
});
