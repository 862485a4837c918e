import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface SubscriptionResult {
  readonly data?: Record<string, any> | null;
  readonly errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }>;
}

/** A real graphql-ws client over `ws`, recording how the server closed it. */
export interface TestSubscriber {
  readonly client: Client;
  /** Resolves with the close code and reason once the server (or we) closed the socket. */
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Starts a subscription; results arrive in `results`, the end in `ended`. */
  subscribe(query: string, variables?: Record<string, unknown>): TestSubscription;
  dispose(): Promise<void>;
}

export interface TestSubscription {
  readonly results: SubscriptionResult[];
  readonly ended: Promise<{ completed: true } | { error: unknown }>;
  /** Waits until `count` results arrived. */
  received(count: number, timeoutMs?: number): Promise<SubscriptionResult[]>;
  unsubscribe(): void;
}

export function wsUrlOf(httpUrl: string, path = '/graphql'): string {
  return `${httpUrl.replace(/^http/, 'ws')}${path}`;
}

export async function waitFor(predicate: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function connectSubscriber(httpUrl: string, connectionParams: Record<string, unknown> | undefined, headers: Record<string, string> = {}): TestSubscriber {
  let onClosed: (value: { code: number; reason: string }) => void = () => undefined;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (onClosed = resolve));
  class HeaderedWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  }
  const client = createClient({
    url: wsUrlOf(httpUrl),
    webSocketImpl: HeaderedWebSocket,
    ...(connectionParams ? { connectionParams } : {}),
    retryAttempts: 0,
    lazy: true,
    on: { closed: (event) => onClosed({ code: (event as { code: number }).code, reason: String((event as { reason: unknown }).reason) }) },
  });
  return {
    client,
    closed,
    subscribe(query, variables = {}) {
      const results: SubscriptionResult[] = [];
      let end: (value: { completed: true } | { error: unknown }) => void = () => undefined;
      const ended = new Promise<{ completed: true } | { error: unknown }>((resolve) => (end = resolve));
      const unsubscribe = client.subscribe(
        { query, variables },
        { next: (value) => void results.push(value as SubscriptionResult), error: (error) => end({ error }), complete: () => end({ completed: true }) },
      );
      return {
        results,
        ended,
        async received(count, timeoutMs = 15_000) {
          await waitFor(() => results.length >= count, timeoutMs, `${count} subscription results (got ${results.length})`);
          return results;
        },
        unsubscribe,
      };
    },
    dispose: () => client.dispose() as Promise<void>,
  };
}
