import type { AnyPlatformEvent } from '../../schema/events.ts';
import type { Principal } from '../../core/identity/principal.ts';

/**
 * CONTRACT.md section 6: a subscriber sees its own events, an admin every
 * event; events that belong to nobody (module status) are for every
 * authenticated subscriber. Field-level rules still apply when an event's
 * entities are fetched with the subscriber's identity.
 */
export function entitledTo(principal: Principal, event: AnyPlatformEvent): boolean {
  return principal.tier === 'admin' || event.ownerId === null || event.ownerId === principal.userId;
}
