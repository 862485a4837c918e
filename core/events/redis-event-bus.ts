import type { Redis } from 'ioredis';
import type { AnyPlatformEvent } from '../../schema/events.ts';
import type { Logger } from '../logger.ts';
import type { EventBus } from './event-bus.ts';
import { rateLimitedWarning } from '../rate-limited-warning.ts';

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

  subscriber.on('message', (received: string, message: string) => {
    if (received !== channel) return;
    let event: AnyPlatformEvent;
    try {
      event = JSON.parse(message) as AnyPlatformEvent;
    } catch {
      options.logger.warn({ channel }, 'dropped an unreadable event');
      return;
    }
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (error) {
        options.logger.error({ err: error, eventType: event.type }, 'event listener failed');
      }
    }
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
    async close() {
      listeners.clear();
      subscriber.disconnect();
    },
  };
}
