import type { GraphQLError } from 'graphql';
import { contractError, unauthenticated } from '../../core/errors/errors.ts';
import { principalId, type Principal } from '../../core/identity/principal.ts';
import type { EventBus } from '../../core/events/event-bus.ts';
import type { Logger } from '../../core/logger.ts';
import type { CredentialRecheck } from '../identity/credential-recheck.ts';

export interface LiveConnection {
  readonly principal: Principal;
  /** Ends the connection with the error's close code and message. */
  end(reason: GraphQLError): void;
}

export interface ConnectionRegistryOptions {
  /** Revocations and tier changes arrive here and end the connections they concern. */
  readonly events: EventBus;
  readonly maxConnectionsPerPrincipal: number;
  /** After a bus interruption, every live connection's credential is read again with this. */
  readonly recheck: CredentialRecheck;
  readonly logger: Logger;
}

export interface ConnectionRegistry {
  /** Registers an authenticated connection; returns its release function, or the refusal. */
  admit(connection: LiveConnection): (() => void) | GraphQLError;
  readonly size: number;
  close(): void;
}

// setTimeout takes at most a signed 32-bit delay; later expiries are re-armed when reached.
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Every live subscription connection of this replica by principal, so a
 * principal's count is capped and a revoked key, a revoked token, a changed
 * tier or an expiry ends the connections it concerns at once, with a close code
 * saying why (4401: reconnect with valid credentials).
 */
export function connectionRegistry(options: ConnectionRegistryOptions): ConnectionRegistry {
  const byPrincipal = new Map<string, Set<LiveConnection>>();
  const byCredential = new Map<string, Set<LiveConnection>>();
  const byUser = new Map<string, Set<LiveConnection>>();
  let size = 0;

  const add = (index: Map<string, Set<LiveConnection>>, key: string, connection: LiveConnection): void => {
    let set = index.get(key);
    if (!set) index.set(key, (set = new Set()));
    set.add(connection);
  };
  const remove = (index: Map<string, Set<LiveConnection>>, key: string, connection: LiveConnection): void => {
    const set = index.get(key);
    set?.delete(connection);
    if (set?.size === 0) index.delete(key);
  };
  const endAll = (index: Map<string, Set<LiveConnection>>, key: string, reason: GraphQLError): void => {
    for (const connection of [...(index.get(key) ?? [])]) connection.end(reason);
  };
  const credentialOf = (principal: Principal): string => (principal.kind === 'user' ? `token:${principal.tokenId}` : `key:${principal.keyId}`);

  const unsubscribe = options.events.subscribe((event) => {
    switch (event.type) {
      case 'api_key.revoked':
        return endAll(byCredential, `key:${event.payload.keyId}`, unauthenticated('API key revoked'));
      case 'token.revoked':
        return endAll(byCredential, `token:${event.payload.tokenId}`, unauthenticated('Token revoked'));
      case 'user.tier_changed':
        return endAll(byUser, event.payload.userId, unauthenticated('Tier changed: reconnect with fresh credentials'));
      default:
        return;
    }
  });

  // The events that would have ended connections may have been lost while the bus was away.
  const recheckAll = async (): Promise<void> => {
    const byCredentialNow = [...byCredential.values()].map((set) => [...set]);
    for (const connections of byCredentialNow) {
      const first = connections[0];
      if (!first) continue;
      try {
        const reason = await options.recheck(first.principal);
        if (reason) for (const connection of connections) connection.end(reason);
      } catch (error) {
        // Kept open: the next revocation event or the credential's expiry still ends it.
        options.logger.warn({ err: error }, 'could not recheck a live connection after a bus interruption');
      }
    }
  };
  const stopRechecking = options.events.onResumed(() => void recheckAll());

  return {
    admit(connection) {
      const { principal } = connection;
      const id = principalId(principal);
      const open = byPrincipal.get(id)?.size ?? 0;
      if (open >= options.maxConnectionsPerPrincipal) {
        return contractError('RATE_LIMIT_EXCEEDED', `Too many open subscription connections for this credential (limit ${options.maxConnectionsPerPrincipal})`);
      }
      add(byPrincipal, id, connection);
      add(byCredential, credentialOf(principal), connection);
      add(byUser, principal.userId, connection);
      size += 1;

      let expiryTimer: NodeJS.Timeout | undefined;
      const armExpiry = (): void => {
        if (principal.expiresAt === null) return;
        const remaining = principal.expiresAt * 1000 - Date.now();
        if (remaining <= 0) return connection.end(unauthenticated('Credentials expired'));
        expiryTimer = setTimeout(armExpiry, Math.min(remaining, MAX_TIMER_MS));
        expiryTimer.unref();
      };
      armExpiry();

      let released = false;
      return () => {
        if (released) return;
        released = true;
        clearTimeout(expiryTimer);
        remove(byPrincipal, id, connection);
        remove(byCredential, credentialOf(principal), connection);
        remove(byUser, principal.userId, connection);
        size -= 1;
      };
    },
    get size() {
      return size;
    },
    close() {
      unsubscribe();
      stopRechecking();
    },
  };
}
