import type { RawData, WebSocket } from 'ws';
import { containThrows } from '../../core/faults/contain.ts';

/**
 * Two open WebSockets joined: every message passes through unchanged (text stays
 * text, binary stays binary), a side that cannot keep up pauses the other, and
 * when either side closes the other is closed with the same code and reason.
 */

export type RelayDirection = 'to_backend' | 'to_client';

export interface RelayStats {
  readonly messagesToBackend: number;
  readonly messagesToClient: number;
  readonly bytesToBackend: number;
  readonly bytesToClient: number;
}

export interface RelayHooks {
  /** A relay listener threw: both sides are terminated. */
  onFault?(error: unknown): void;
  onMessage?(direction: RelayDirection, bytes: number): void;
  /** Once, when both sides have closed. */
  onClosed?(stats: RelayStats): void;
}

/** Above this much unsent data the sending side is paused; below a quarter of it, resumed. */
const HIGH_WATER_BYTES = 1024 * 1024;

/** RFC 6455 codes that are only ever reported, never sent: no status (1005), abnormal (1006), TLS (1015). */
const REPORT_ONLY = new Set([1005, 1006, 1015]);

const sizeOf = (data: RawData): number => (Array.isArray(data) ? data.reduce((sum, part) => sum + part.byteLength, 0) : data.byteLength);

export function relayWebSockets(client: WebSocket, backend: WebSocket, hooks: RelayHooks = {}): void {
  const stats = { messagesToBackend: 0, messagesToClient: 0, bytesToBackend: 0, bytesToClient: 0 };
  let closedSides = 0;

  const fault = (error: unknown): void => {
    hooks.onFault?.(error);
    client.terminate();
    backend.terminate();
  };

  const pipe = (from: WebSocket, to: WebSocket, direction: RelayDirection): void => {
    from.on('message', containThrows((data: RawData, isBinary: boolean) => {
      if (to.readyState !== to.OPEN) return;
      const bytes = sizeOf(data);
      if (direction === 'to_backend') {
        stats.messagesToBackend += 1;
        stats.bytesToBackend += bytes;
      } else {
        stats.messagesToClient += 1;
        stats.bytesToClient += bytes;
      }
      hooks.onMessage?.(direction, bytes);
      to.send(data, { binary: isBinary }, () => {
        if (from.isPaused && to.bufferedAmount < HIGH_WATER_BYTES / 4) from.resume();
      });
      if (to.bufferedAmount > HIGH_WATER_BYTES) from.pause();
    }, fault));
  };

  /** `code` and `reason` as the side that closed gave them; `lost` is what to send when it vanished without a close frame. */
  const propagate = (to: WebSocket, lost: [number, string]) => (code: number, reason: Buffer) => {
    closedSides += 1;
    if (closedSides === 2) hooks.onClosed?.(stats);
    if (to.readyState === to.CLOSED || to.readyState === to.CLOSING) return;
    if (code === 1005) return to.close(1000);
    if (REPORT_ONLY.has(code)) return to.close(...lost);
    to.close(code, reason);
  };

  pipe(client, backend, 'to_backend');
  pipe(backend, client, 'to_client');
  client.on('close', containThrows(propagate(backend, [1001, 'Client went away']), fault));
  // 1014 "Bad Gateway" (IANA WebSocket close code registry): the backend vanished.
  backend.on('close', containThrows(propagate(client, [1014, 'Backend went away']), fault));
}
