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

/** Subscriptions open on the gateway (graphql-ws and /ws), from its /health/detailed report. */
export async function openSubscriptions(httpUrl: string): Promise<number> {
  const report = (await (await fetch(`${httpUrl}/health/detailed`)).json()) as { data?: { subscriptions?: { subscriptions?: number } } };
  return report.data?.subscriptions?.subscriptions ?? 0;
}

/** Waits until the gateway has registered at least `count` subscriptions, so events published next reach them. */
export async function subscriptionsRegistered(httpUrl: string, count: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await openSubscriptions(httpUrl)) < count) {
    if (Date.now() > deadline) throw new Error(`the gateway did not register ${count} subscriptions in time`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Waits until the gateway has let go of subscriptions down to `count`, so later counts start from a settled figure. */
export async function subscriptionsDroppedTo(httpUrl: string, count: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await openSubscriptions(httpUrl)) > count) {
    if (Date.now() > deadline) throw new Error(`the gateway still held more than ${count} subscriptions`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
