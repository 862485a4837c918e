import type { AnyPlatformEvent, EventType } from '../../schema/events.ts';
import type { EventBus } from '../../core/events/event-bus.ts';

export interface EventHubOptions {
  readonly events: EventBus;
  /** Events one feed may hold unsent before `onOverflow` ends it. */
  readonly maxQueuedEvents: number;
}

export interface FeedRequest<T> {
  readonly types: readonly EventType[];
  /** Whether this subscriber may and wants to see the event. */
  readonly accept: (event: AnyPlatformEvent) => boolean;
  readonly map: (event: AnyPlatformEvent) => T;
  /** Called once when the subscriber falls `maxQueuedEvents` behind; the feed then ends. */
  readonly onOverflow: () => void;
}

export interface EventHub {
  /** The accepted events from now on, in order, until `return()` is called. */
  open<T>(request: FeedRequest<T>): AsyncGenerator<T, undefined>;
  /** Resolves once every event handed to a feed has been taken up again by its consumer, or at the deadline. */
  drained(timeoutMs: number): Promise<boolean>;
  readonly feedCount: number;
  close(): void;
}

interface Feed {
  readonly accept: (event: AnyPlatformEvent) => boolean;
  push(event: AnyPlatformEvent): void;
  busy(): boolean;
  end(): void;
}

/**
 * One bus listener per process fans events out to every open feed of their
 * type. A consumer asks for the next event only after it has sent the previous
 * one (graphql-ws awaits each send), so "nothing queued and nothing handed out"
 * means every accepted event reached its socket; shutdown waits for that.
 */
export function eventHub(options: EventHubOptions): EventHub {
  const byType = new Map<EventType, Set<Feed>>();
  let feedCount = 0;
  const unsubscribe = options.events.subscribe((event) => {
    const feeds = byType.get(event.type);
    if (!feeds) return;
    for (const feed of feeds) if (feed.accept(event)) feed.push(event);
  });
  const allFeeds = (): Set<Feed> => new Set([...byType.values()].flatMap((feeds) => [...feeds]));

  return {
    open<T>(request: FeedRequest<T>): AsyncGenerator<T, undefined> {
      const queue: AnyPlatformEvent[] = [];
      let waiting: ((result: IteratorResult<T, undefined>) => void) | null = null;
      let handedOut = false;
      let done = false;

      const detach = (): void => {
        if (done) return;
        done = true;
        feedCount -= 1;
        for (const type of request.types) byType.get(type)?.delete(feed);
        queue.length = 0;
        handedOut = false;
        const resolve = waiting;
        waiting = null;
        resolve?.({ value: undefined, done: true });
      };
      const feed: Feed = {
        accept: request.accept,
        push(event) {
          if (waiting) {
            const resolve = waiting;
            waiting = null;
            handedOut = true;
            resolve({ value: request.map(event), done: false });
          } else if (queue.length >= options.maxQueuedEvents) {
            detach();
            request.onOverflow();
          } else {
            queue.push(event);
          }
        },
        busy: () => queue.length > 0 || handedOut,
        end: detach,
      };
      feedCount += 1;
      for (const type of request.types) {
        let feeds = byType.get(type);
        if (!feeds) byType.set(type, (feeds = new Set()));
        feeds.add(feed);
      }

      const generator: AsyncGenerator<T, undefined> = {
        async next() {
          handedOut = false;
          const event = queue.shift();
          if (event) {
            handedOut = true;
            return { value: request.map(event), done: false };
          }
          if (done) return { value: undefined, done: true };
          return new Promise((resolve) => (waiting = resolve));
        },
        async return() {
          detach();
          return { value: undefined, done: true };
        },
        async throw(error: unknown) {
          detach();
          throw error;
        },
        [Symbol.asyncIterator]() {
          return generator;
        },
      };
      return generator;
    },
    async drained(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (![...allFeeds()].some((feed) => feed.busy())) return true;
        if (Date.now() >= deadline) return false;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    get feedCount() {
      return feedCount;
    },
    close() {
      unsubscribe();
      for (const feed of allFeeds()) feed.end();
    },
  };
}
