import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the AIVillage services behind /v1: a real HTTP server that
 * answers the seed's routes, remembers training dispatches and, like the real
 * Agent Forge, reports progress to the callback it was given. Its callback
 * signing is written from the documented formula, not with the gateway's code.
 */
export interface Dispatch {
  readonly job_id: string;
  readonly phase_name: string;
  readonly max_steps: number;
  readonly batch_size: number;
  readonly real_training: boolean;
  readonly callback: { readonly url: string; readonly secret: string; readonly signature: string };
  readonly principalHeader: string | undefined;
}

export interface UploadNotice {
  readonly body: Record<string, unknown>;
  /** What fetching `body.url` gave: status and the SHA-256 of the bytes. */
  readonly fetched: { status: number; sha256: string; contentType: string | null };
}

export interface AIVillageUpstream {
  readonly url: string;
  readonly dispatches: Dispatch[];
  readonly uploads: UploadNotice[];
  /** Sends one signed progress report for a dispatched job, as the upstream would. */
  report(jobId: string, report: Record<string, unknown>, tamper?: { secret?: string; timestamp?: number; body?: string }): Promise<Response>;
  close(): Promise<void>;
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

export async function startAIVillageUpstream(): Promise<AIVillageUpstream> {
  const dispatches: Dispatch[] = [];
  const uploads: UploadNotice[] = [];
  const server = createServer((request, response) => {
    void (async () => {
      const path = new URL(request.url ?? '/', 'http://upstream').pathname;
      const key = `${request.method} ${path}`;
      const body = request.method === 'POST' ? await readJson(request) : {};
      switch (key) {
        case 'GET /health':
          return send(response, 200, { status: 'healthy' });
        case 'GET /v1/models':
          return send(response, 200, { models: [{ model_id: 'cognate-model-123', name: 'Cognate 25M', phase: 'cognate', created_at: '2026-11-01T00:00:00Z' }] });
        case 'POST /v1/models/train': {
          const principal = request.headers['x-gateway-principal'];
          dispatches.push({ ...(body as unknown as Dispatch), principalHeader: Array.isArray(principal) ? principal[0] : principal });
          return send(response, 202, { task_id: `task-${dispatches.length}`, status: 'accepted' });
        }
        case 'POST /v1/chat':
          return send(response, 200, { response: `echo: ${String(body['message'])}`, model_id: body['model_id'], conversation_id: body['conversation_id'] ?? 'conv-new' });
        case 'GET /v1/p2p/status':
          return send(response, 200, { bitchat: 'connected', betanet: 'connected', peers: 3 });
        case 'GET /v1/fog/nodes':
          return send(response, 200, { nodes: [{ id: 'fog-1', status: 'online' }] });
        case 'GET /v1/tokens':
          return send(response, 200, { balance: 42, symbol: 'FOG' });
        case 'POST /v1/query':
          return send(response, 200, { answer: `about ${String(body['query'])}`, mode: body['mode'] ?? 'default' });
        case 'POST /v1/upload': {
          const fetched = await fetch(String(body['url']));
          const bytes = Buffer.from(await fetched.arrayBuffer());
          uploads.push({
            body,
            fetched: { status: fetched.status, sha256: createHash('sha256').update(bytes).digest('hex'), contentType: fetched.headers.get('content-type') },
          });
          return send(response, 200, { document_id: `doc-${uploads.length}`, indexed: true });
        }
        default:
          return send(response, 404, { error: `no route ${key}` });
      }
    })().catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    dispatches,
    uploads,
    report(jobId, report, tamper = {}) {
      const dispatch = dispatches.find((entry) => entry.job_id === jobId);
      if (!dispatch) throw new Error(`job ${jobId} was never dispatched here`);
      const body = tamper.body ?? JSON.stringify({ job_id: jobId, ...report });
      const timestamp = tamper.timestamp ?? Math.floor(Date.now() / 1000);
      const signature = `v1=${createHmac('sha256', tamper.secret ?? dispatch.callback.secret).update(`${timestamp}.${body}`).digest('hex')}`;
      return fetch(dispatch.callback.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-callback-timestamp': String(timestamp), 'x-callback-signature': signature },
        body,
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
