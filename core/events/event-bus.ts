import { randomUUID } from 'node:crypto';
import type { AnyPlatformEvent, EventPayloads, EventType, PlatformEvent } from '../../schema/events.ts';

/** Carries platform events between subgraphs and edge replicas: in memory, or Redis pub/sub. */
export interface EventBus {
  publish(event: AnyPlatformEvent): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(listener: (event: AnyPlatformEvent) => void): () => void;
  /**
   * Called once the bus is listening again after an interruption in which events
   * may have been lost (Redis pub/sub keeps nothing for a subscriber that is away).
   * Whoever keeps state from events reloads it from the record here. Returns the
   * unsubscribe function.
   */
  onResumed(listener: () => void): () => void;
  close(): Promise<void>;
}

/** `causedBy`: the automation chain behind the change (see PlatformEvent); empty for a client's own change. */
export function platformEvent<T extends EventType>(
  type: T,
  ownerId: string | null,
  payload: EventPayloads[T],
  causedBy: readonly string[] = [],
): PlatformEvent<T> {
  const event = { id: `evt_${randomUUID()}`, type, ownerId, occurredAt: new Date().toISOString(), payload };
  return causedBy.length > 0 ? { ...event, causedBy } : event;
}
