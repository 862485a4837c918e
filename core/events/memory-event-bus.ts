import type { AnyPlatformEvent } from '../../schema/events.ts';
import type { EventBus } from './event-bus.ts';

/** Embedded mode: one process, so a set of listeners is the whole bus. */
export function memoryEventBus(): EventBus {
  const listeners = new Set<(event: AnyPlatformEvent) => void>();
  return {
    async publish(event) {
      // A listener that throws must not stop the others or the publisher.
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch {
          /* listeners report their own failures */
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    // In one process nothing is ever in flight between publisher and listener.
    onResumed: () => () => undefined,
    async close() {
      listeners.clear();
    },
  };
}
