import type { PrismaClient } from '../../prisma/generated/client.ts';
import { unauthenticated } from '../../core/errors/errors.ts';
import { classifyFailure, contractErrorFor } from '../../core/errors/failure-class.ts';
import { tierRank } from '../../schema/tiers.ts';
import { hashApiKey, looksLikeApiKey } from '../../core/identity/api-key-format.ts';
import type { Principal } from '../../core/identity/principal.ts';
import { asScopes } from '../../core/identity/scopes.ts';
import type { EventBus } from '../../core/events/event-bus.ts';
import type { Logger } from '../../core/logger.ts';

export interface ApiKeyVerifierOptions {
  readonly prisma: PrismaClient;
  /** Revocations and tier changes arrive here and evict cached keys at once. */
  readonly events: EventBus;
  readonly logger: Logger;
  /** How long a verified key is trusted without a database read. 0 disables the cache. @default 30000 */
  readonly cacheTtlMs?: number;
  /** `last_used_at` is written at most this often per key. @default 60000 */
  readonly lastUsedIntervalMs?: number;
  /** @default 10000 */
  readonly maxCachedKeys?: number;
}

export type ApiKeyPrincipal = Extract<Principal, { kind: 'apiKey' }>;

export interface ApiKeyVerifier {
  /** Throws AUTHENTICATION_REQUIRED for an unknown, revoked or expired key. */
  verify(key: string): Promise<ApiKeyPrincipal>;
  close(): void;
}

interface CacheEntry {
  readonly principal: ApiKeyPrincipal;
  readonly cachedUntil: number;
}

export function apiKeyVerifier(options: ApiKeyVerifierOptions): ApiKeyVerifier {
  const ttl = options.cacheTtlMs ?? 30_000;
  const lastUsedInterval = options.lastUsedIntervalMs ?? 60_000;
  const maxCached = options.maxCachedKeys ?? 10_000;
  const byHash = new Map<string, CacheEntry>();
  const lastUsedWrites = new Map<string, number>();

  // A read started before an eviction may finish after it; its result must not be cached.
  let generation = 0;
  const evict = (predicate: (principal: ApiKeyPrincipal) => boolean): void => {
    generation += 1;
    for (const [hash, entry] of byHash) if (predicate(entry.principal)) byHash.delete(hash);
  };
  const unsubscribe = options.events.subscribe((event) => {
    if (event.type === 'api_key.revoked' || event.type === 'api_key.updated') evict((p) => p.keyId === event.payload.keyId);
    if (event.type === 'user.tier_changed') evict((p) => p.userId === event.payload.userId);
  });
  // Revocations published while the bus was away were never heard: every cached key is read again.
  const stopForgetting = options.events.onResumed(() => evict(() => true));

  const touch = (keyId: string): void => {
    const now = Date.now();
    if ((lastUsedWrites.get(keyId) ?? 0) + lastUsedInterval > now) return;
    // Forgetting a write time only costs one extra update, so a full map is simply emptied.
    if (lastUsedWrites.size >= maxCached) lastUsedWrites.clear();
    lastUsedWrites.set(keyId, now);
    // Off the request path: a slow write must not slow the call that used the key.
    options.prisma.apiKey
      .update({ where: { id: keyId }, data: { lastUsedAt: new Date(now) } })
      .catch((error: unknown) => options.logger.warn({ err: error, keyId }, 'could not record key use'));
  };

  const load = async (hash: string): Promise<ApiKeyPrincipal> => {
    const key = await options.prisma.apiKey
      .findUnique({ where: { hash }, include: { owner: { select: { tier: true, scopes: true } } } })
      // A key not yet cached cannot be checked while the database is down: 503, not 500.
      .catch((error: unknown) => {
        throw contractErrorFor(classifyFailure(error)) ?? error;
      });
    if (!key || key.revokedAt) throw unauthenticated('Invalid or revoked API key');
    if (key.expiresAt && key.expiresAt.getTime() <= Date.now()) throw unauthenticated('API key has expired');
    // An owner downgraded since the key was made drags the key down with them.
    const tier = tierRank(key.owner.tier) < tierRank(key.tier) ? key.owner.tier : key.tier;
    const ownerScopes = new Set(key.owner.scopes);
    return {
      kind: 'apiKey',
      userId: key.ownerId,
      keyId: key.id,
      tier,
      scopes: asScopes(key.scopes.filter((scope) => ownerScopes.has(scope))),
      expiresAt: key.expiresAt ? Math.floor(key.expiresAt.getTime() / 1000) : null,
      limits: { perMinute: key.limitPerMinute, perHour: key.limitPerHour },
    };
  };

  return {
    async verify(key) {
      if (!looksLikeApiKey(key)) throw unauthenticated('Invalid or revoked API key');
      const hash = hashApiKey(key);
      const now = Date.now();
      const cached = byHash.get(hash);
      let principal: ApiKeyPrincipal;
      if (cached && cached.cachedUntil > now) {
        principal = cached.principal;
        if (principal.expiresAt !== null && principal.expiresAt * 1000 <= now) {
          byHash.delete(hash);
          throw unauthenticated('API key has expired');
        }
      } else {
        const started = generation;
        principal = await load(hash);
        if (ttl > 0 && generation === started) {
          if (byHash.size >= maxCached) byHash.delete(byHash.keys().next().value as string);
          byHash.set(hash, { principal, cachedUntil: now + ttl });
        }
      }
      touch(principal.keyId);
      return principal;
    },
    close() {
      unsubscribe();
      stopForgetting();
      byHash.clear();
    },
  };
}
