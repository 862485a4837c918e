import type { Logger } from '../logger.ts';

/** Where input enters through a callback: a bounded label set for the metrics. */
export type FaultEntry = 'http' | 'response-hook' | 'upgrade' | 'websocket';

/** What reached the process's own handlers, past every entry point. */
export type EscapedFault = 'uncaughtException' | 'unhandledRejection';

/**
 * The gateway's account of throws that input provoked. A contained one ended one
 * request or connection and is logged with its request id; an escaped one got past
 * every entry point and is logged with the ids of the requests in flight (Node
 * cannot say which request an escaped throw came from without async context
 * tracking, which costs every promise of every request).
 */
export interface FaultLedger {
  contained(entry: FaultEntry, error: unknown, requestId: string | null): void;
  escaped(kind: EscapedFault, error: unknown): void;
  /** Request ids being served now; the edge adds and removes them. */
  readonly inFlight: Set<string>;
  /** Counts since start, by entry or kind, for `/metrics`. */
  counts(): { readonly contained: ReadonlyMap<FaultEntry, number>; readonly escaped: ReadonlyMap<EscapedFault, number> };
}

/** Listed in the log of an escaped fault; a busy replica has thousands in flight. */
const MAX_LISTED_REQUESTS = 50;

export function faultLedger(logger: Logger): FaultLedger {
  const contained = new Map<FaultEntry, number>();
  const escaped = new Map<EscapedFault, number>();
  const inFlight = new Set<string>();
  return {
    inFlight,
    contained(entry, error, requestId) {
      contained.set(entry, (contained.get(entry) ?? 0) + 1);
      logger.error({ err: error, entry, requestId }, 'a callback failed; its request or connection was ended, the gateway goes on');
    },
    escaped(kind, error) {
      escaped.set(kind, (escaped.get(kind) ?? 0) + 1);
      const requestsInFlight = [...inFlight].slice(0, MAX_LISTED_REQUESTS);
      logger.fatal({ err: error, kind, requestsInFlight, inFlightCount: inFlight.size }, 'an error escaped every entry point');
    },
    counts: () => ({ contained, escaped }),
  };
}
