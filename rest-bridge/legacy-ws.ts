import { randomUUID } from 'node:crypto';
import { containThrows } from '../core/faults/contain.ts';
import type { FaultLedger } from '../core/faults/fault-ledger.ts';
import { parseRequestTarget, ROOT_TARGET } from '../core/http/request-target.ts';
import type { IncomingMessage } from 'node:http';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { AnyPlatformEvent } from '../schema/events.ts';
import { clientAddress } from '../core/http/client-address.ts';
import type { Logger } from '../core/logger.ts';
import { admitConnection, closeFrameOf, connectionCredentials, type ConnectionAdmissionOptions } from '../gateway/subscriptions/connection-auth.ts';
import { entitledTo } from '../gateway/subscriptions/event-entitlement.ts';
import type { EventHub } from '../gateway/subscriptions/event-hub.ts';
import type { WebSocketUsage } from '../gateway/usage/websocket-usage.ts';
import type { Principal } from '../core/identity/principal.ts';
import type { TrustProxy } from '../core/http/trusted-proxies.ts';

export interface LegacyWsOptions extends ConnectionAdmissionOptions {
  readonly hub: EventHub;
  readonly trustProxy: TrustProxy;
  readonly logger: Logger;
  /** Connection counts and one usage record per message, like HTTP requests. */
  readonly usage: WebSocketUsage;
  /** Told of a message handler that threw (the connection is closed with 1011). */
  readonly faults: FaultLedger;
}

const TRAINING_EVENTS = ['training.progress', 'training.completed', 'training.failed'] as const;
/** What `/ws` pushes: seed 002's training messages, and bulk job progress beside them. */
const PUSHED_EVENTS = [...TRAINING_EVENTS, 'bulk.operation_updated'] as const;

/** Seed 002's message names for the training events. */
const MESSAGE_TYPE: Readonly<Record<(typeof TRAINING_EVENTS)[number], string>> = {
  'training.progress': 'training_progress',
  'training.completed': 'training_complete',
  'training.failed': 'training_failed',
};

function legacyMessage(event: AnyPlatformEvent): Record<string, unknown> | null {
  if (event.type === 'bulk.operation_updated') {
    const { payload } = event;
    return {
      type: 'bulk_operation_updated',
      operation_id: payload.operationId,
      kind: payload.kind,
      status: payload.status,
      sequence: payload.sequence,
      total_rows: payload.totalRows,
      invalid_rows: payload.invalidRows,
      succeeded_rows: payload.succeededRows,
      failed_rows: payload.failedRows,
      cancelled_rows: payload.cancelledRows,
      error: payload.error,
      timestamp: event.occurredAt,
    };
  }
  if (event.type !== 'training.progress' && event.type !== 'training.completed' && event.type !== 'training.failed') return null;
  const { payload } = event;
  return {
    type: MESSAGE_TYPE[event.type],
    job_id: payload.jobId,
    status: payload.status,
    progress: payload.progress,
    step: payload.step,
    message: payload.message,
    model_id: payload.modelId,
    timestamp: event.occurredAt,
  };
}

/**
 * Seed 002's `/ws`: answers `{"type":"ping"}` with `{"type":"pong"}` and pushes
 * `training_progress` / `training_complete` (and `training_failed`) from the
 * same bus events the GraphQL subscriptions use. Credentials come from the
 * upgrade request (headers, `?token=`, `?api_key=`); the seed's clients sent
 * none, so an anonymous connection is kept for ping/pong but is sent no events.
 */
export function legacyWsServer(options: LegacyWsOptions): { readonly sockets: WebSocketServer; close(): Promise<void> } {
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });

  const send = (socket: WebSocket, message: Record<string, unknown>): Promise<void> =>
    new Promise((resolve) => (socket.readyState === socket.OPEN ? socket.send(JSON.stringify(message), () => resolve()) : resolve()));

  sockets.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    let principal: Principal | null = null;
    const connectionId = `ws_${randomUUID()}`;
    options.usage.opened();
    socket.once('close', () => options.usage.closed());
    socket.on('error', (error) => options.logger.debug({ err: error }, 'legacy /ws socket error'));
    const contained = (error: unknown): void => {
      options.faults.contained('websocket', error, connectionId);
      socket.close(1011, 'Internal server error');
    };
    socket.on('message', containThrows((data: RawData) => {
      const started = performance.now();
      const answer = (reply: Record<string, unknown>, status: number, operationName: string | null) => {
        void send(socket, reply);
        options.usage.message({
          principal,
          requestId: connectionId,
          route: 'WS /ws',
          operationName,
          status,
          latencyMs: performance.now() - started,
          bytesIn: String(data).length,
          bytesOut: JSON.stringify(reply).length,
        });
      };
      let message: unknown;
      try {
        message = JSON.parse(String(data));
      } catch {
        return answer({ type: 'error', error: 'Messages must be JSON' }, 400, null);
      }
      const type = (message as { type?: unknown } | null)?.type;
      if (type === 'ping') answer({ type: 'pong', timestamp: new Date().toISOString() }, 200, 'ping');
      else answer({ type: 'error', error: `Unknown message type '${String(type)}'` }, 400, null);
    }, contained));

    const url = (parseRequestTarget(request.url) ?? ROOT_TARGET);
    const credentials = connectionCredentials(undefined, request, url);
    const address = clientAddress(request, options.trustProxy);
    const end = (reason: Parameters<typeof closeFrameOf>[0]): void => socket.close(...closeFrameOf(reason));
    void (async () => {
      if (!credentials.authorization && !credentials.apiKey) {
        // Anonymous: counted by address like any anonymous request, then ping/pong only.
        const verdict = await options.rateLimit(null, address);
        if (verdict.refusal) end(verdict.refusal);
        return;
      }
      const admission = await admitConnection(options, credentials, address, (principal) => ({ principal, end }));
      if ('refusal' in admission) return end(admission.refusal);
      if (socket.readyState !== socket.OPEN) return admission.release();
      principal = admission.principal;
      const admitted = admission.principal;
      const feed = options.hub.open({
        types: PUSHED_EVENTS,
        accept: (event) => entitledTo(admitted, event),
        map: legacyMessage,
        onOverflow: () => socket.close(1013, 'Subscriber too slow'),
      });
      socket.once('close', () => {
        admission.release();
        void feed.return(undefined);
      });
      for await (const message of feed) if (message) await send(socket, message);
    })().catch((error: unknown) => {
      options.logger.error({ err: error }, 'legacy /ws connection failed');
      socket.close(1011, 'Internal server error');
    });
  });

  return {
    sockets,
    async close() {
      for (const client of sockets.clients) client.close(1001, 'Going away');
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
    },
  };
}
