import type { PrismaClient } from '../../prisma/generated/client.ts';
import type { EventBus } from '../../core/events/event-bus.ts';

export interface TokenRevocationsOptions {
  readonly prisma: PrismaClient;
  readonly events: EventBus;
}

/**
 * Revoked access-token ids, checked on every request without a database read.
 * The database is the record (so a restart forgets nothing); the event bus tells
 * every replica at once; entries go when the token would have expired anyway.
 */
export interface TokenRevocations {
  isRevoked(tokenId: string): boolean;
  close(): void;
}

export async function tokenRevocations(options: TokenRevocationsOptions): Promise<TokenRevocations> {
  const revoked = new Map<string, number>();
  const add = (tokenId: string, expiresAtMs: number): void => {
    if (expiresAtMs > Date.now()) revoked.set(tokenId, expiresAtMs);
  };
  const unsubscribe = options.events.subscribe((event) => {
    if (event.type === 'token.revoked') add(event.payload.tokenId, event.payload.expiresAt * 1000);
  });
  const rows = await options.prisma.revokedToken.findMany({ where: { expiresAt: { gt: new Date() } } });
  for (const row of rows) add(row.jti, row.expiresAt.getTime());

  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [tokenId, expiresAtMs] of revoked) if (expiresAtMs <= now) revoked.delete(tokenId);
  }, 60_000);
  sweep.unref();

  return {
    isRevoked: (tokenId) => revoked.has(tokenId),
    close() {
      unsubscribe();
      clearInterval(sweep);
    },
  };
}
