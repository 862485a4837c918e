import type { PrismaClient } from '../../prisma/generated/client.ts';
import type { EventBus } from '../../core/events/event-bus.ts';
import type { Logger } from '../../core/logger.ts';

export interface TokenRevocationsOptions {
  readonly prisma: PrismaClient;
  readonly events: EventBus;
  readonly logger: Logger;
  /** After a failed reload (the database away too), the next try comes this much later. @default 5000 */
  readonly reloadRetryMs?: number;
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
  const load = async (): Promise<void> => {
    const rows = await options.prisma.revokedToken.findMany({ where: { expiresAt: { gt: new Date() } } });
    for (const row of rows) add(row.jti, row.expiresAt.getTime());
  };
  await load();

  // Revocations published while the bus was away were never heard: read them from the record.
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const reload = (): void => {
    clearTimeout(retry);
    load().catch((error: unknown) => {
      if (closed) return;
      options.logger.warn({ err: error }, 'could not reload token revocations after a bus interruption; retrying');
      retry = setTimeout(reload, options.reloadRetryMs ?? 5_000);
      retry.unref();
    });
  };
  const stopReloading = options.events.onResumed(reload);

  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [tokenId, expiresAtMs] of revoked) if (expiresAtMs <= now) revoked.delete(tokenId);
  }, 60_000);
  sweep.unref();

  return {
    isRevoked: (tokenId) => revoked.has(tokenId),
    close() {
      closed = true;
      unsubscribe();
      stopReloading();
      clearTimeout(retry);
      clearInterval(sweep);
    },
  };
}
