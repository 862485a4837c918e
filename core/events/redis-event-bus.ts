import type { Redis } from 'ioredis';
import type { AnyPlatformEvent } from '../../schema/events.ts';
import type { Logger } from '../logger.ts';
import type { EventBus } from './event-bus.ts';
import { rateLimitedWarning } from '../rate-limited-warning.ts';
import { containThrows } from '../faults/contain.ts';

/** A parsed message that has the shape every event has; anything else on the channel is dropped. */
function asEvent(parsed: unknown): AnyPlatformEvent | null {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  return typeof (parsed as { type?: unknown }).type === 'string' ? (parsed as AnyPlatformEvent) : null;
}

export interface RedisEventBusOptions {
  /** Used for PUBLISH; a duplicate connection is opened for SUBSCRIBE. */
  readonly redis: Redis;
  readonly logger: Logger;
  /** @default 'platform:events' */
  readonly channel?: string;
}

/**
 * Distributed mode: every replica and subgraph process publishes to one channel
 * and hears every event, its own included, so delivery is the same path everywhere.
 */
export async function redisEventBus(options: RedisEventBusOptions): Promise<EventBus> {
  const channel = options.channel ?? 'platform:events';
  const subscriber = options.redis.duplicate();
  // Without a listener ioredis reports every failed reconnect as an unhandled 'error' event.
  const warnSubscriberDown = rateLimitedWarning({ logger: options.logger, message: 'event bus subscriber connection problem' });
  subscriber.on('error', (error: Error) => warnSubscriberDown({ err: error }));
  const listeners = new Set<(event: AnyPlatformEvent) => void>();
  const resumedListeners = new Set<() => void>();

  // Whatever another process (or anyone with access to Redis) publishes is input: a
  // message that is not an event is dropped, and a listener that throws costs that event only.
  const deliver = (received: string, message: string): void => {
    if (received !== channel) return;
    let event: AnyPlatformEvent | null;
    try {
      event = asEvent(JSON.parse(message));
    } catch {
      event = null;
    }
    if (!event) return void options.logger.warn({ channel }, 'dropped an unreadable event');
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (error) {
        options.logger.error({ err: error, eventType: event.type }, 'event listener failed');
      }
    }
  };
  subscriber.on(
    'message',
    containThrows(deliver, (error) => options.logger.error({ err: error, channel }, 'event bus message handler failed')),
  );

  // Whatever was published while the subscriber was away never reaches it, and the
  // publisher cannot tell (PUBLISH succeeds with nobody listening). So after every
  // reconnect the listeners are told to reload from the record, once the channel is
  // subscribed again, so that nothing published from then on is missed either.
  let interrupted = false;
  let closing = false;
  subscriber.on('close', () => {
    if (!closing) interrupted = true;
  });
  subscriber.on('ready', () => {
    if (!interrupted) return;
    interrupted = false;
    subscriber
      .subscribe(channel)
      .then(() => {
        options.logger.info({ channel }, 'event bus subscriber is back; listeners reload what they may have missed');
        for (const listener of [...resumedListeners]) {
          try {
            listener();
          } catch (error) {
            options.logger.error({ err: error }, 'event bus resume listener failed');
          }
        }
      })
      // The connection dropped again before the subscription took: its next 'ready' retries.
      .catch((error: unknown) => {
        interrupted = true;
        warnSubscriberDown({ err: error });
      });
  });
  await subscriber.subscribe(channel);

  return {
    async publish(event) {
      await options.redis.publish(channel, JSON.stringify(event));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onResumed(listener) {
      resumedListeners.add(listener);
      return () => resumedListeners.delete(listener);
    },
    async close() {
      closing = true;
      listeners.clear();
      resumedListeners.clear();
      subscriber.disconnect();
    },
  };
}
