import { describe, expect, it, vi } from 'vitest';
import { platformEvent } from '../../core/events/event-bus.ts';
import { createLogger } from '../../core/logger.ts';
import { memoryEventBus } from '../../core/events/memory-event-bus.ts';
import { connectionRegistry } from '../../gateway/subscriptions/connection-registry.ts';
import { eventHub } from '../../gateway/subscriptions/event-hub.ts';
import type { Principal } from '../../core/identity/principal.ts';

// Rechecks run only after a Redis interruption, which the memory bus never has.
const standingStill = { recheck: async () => null, logger: createLogger('silent') };
const moduleEvent = (slug: string) => platformEvent('module.status_changed', null, { slug, status: 'up', previous: 'down' });
const user = (userId: string, expiresAt: number): Principal => ({ kind: 'user', userId, tier: 'free', scopes: [], tokenId: `t-${userId}`, expiresAt, mfaVerified: false, mfaRequired: false });

describe('event hub', () => {
  it('hands each accepted event to the feed in order and reports drained once the consumer has taken them up', async () => {
    const events = memoryEventBus();
    const hub = eventHub({ events, maxQueuedEvents: 10 });
    const feed = hub.open({ types: ['module.status_changed'], accept: (event) => event.type === 'module.status_changed' && event.payload.slug !== 'skip', map: (event) => event.id, onOverflow: () => undefined });
    const published = [moduleEvent('a'), moduleEvent('skip'), moduleEvent('b')];
    for (const event of published) await events.publish(event);
    expect(await hub.drained(0)).toBe(false);
    expect((await feed.next()).value).toBe(published[0]!.id);
    expect((await feed.next()).value).toBe(published[2]!.id);
    // The last event is handed out until the consumer asks for the next one.
    expect(await hub.drained(0)).toBe(false);
    const waiting = feed.next();
    expect(await hub.drained(0)).toBe(true);
    await feed.return(undefined);
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(hub.feedCount).toBe(0);
  });

  it('ends a feed that falls too far behind, once', async () => {
    const events = memoryEventBus();
    const hub = eventHub({ events, maxQueuedEvents: 2 });
    const onOverflow = vi.fn();
    const feed = hub.open({ types: ['module.status_changed'], accept: () => true, map: (event) => event.id, onOverflow });
    for (let index = 0; index < 5; index += 1) await events.publish(moduleEvent(`m${index}`));
    expect(onOverflow).toHaveBeenCalledTimes(1);
    expect(await feed.next()).toEqual({ value: undefined, done: true });
  });
});

describe('connection registry', () => {
  it('caps connections per principal and frees a slot on release', () => {
    const registry = connectionRegistry({ events: memoryEventBus(), maxConnectionsPerPrincipal: 1, ...standingStill });
    const principal = user('u1', Math.floor(Date.now() / 1000) + 3600);
    const release = registry.admit({ principal, end: () => undefined });
    expect(typeof release).toBe('function');
    expect(registry.admit({ principal, end: () => undefined })).toMatchObject({ extensions: { code: 'RATE_LIMIT_EXCEEDED' } });
    (release as () => void)();
    expect(typeof registry.admit({ principal, end: () => undefined })).toBe('function');
  });

  it('ends a connection when its token expires or is revoked', async () => {
    vi.useFakeTimers();
    try {
      const events = memoryEventBus();
      const registry = connectionRegistry({ events, maxConnectionsPerPrincipal: 5, ...standingStill });
      const expiring = vi.fn();
      registry.admit({ principal: user('u1', Math.floor(Date.now() / 1000) + 2), end: expiring });
      vi.advanceTimersByTime(2_500);
      expect(expiring).toHaveBeenCalledWith(expect.objectContaining({ message: 'Credentials expired' }));

      const revoked = vi.fn();
      registry.admit({ principal: user('u2', Math.floor(Date.now() / 1000) + 3600), end: revoked });
      await events.publish(platformEvent('token.revoked', 'u2', { tokenId: 't-u2', expiresAt: Math.floor(Date.now() / 1000) + 3600 }));
      expect(revoked).toHaveBeenCalledWith(expect.objectContaining({ message: 'Token revoked' }));
    } finally {
      vi.useRealTimers();
    }
  });
});
