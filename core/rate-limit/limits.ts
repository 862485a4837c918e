import { DEFAULT_TIER_LIMITS, TIER_NAMES, type Tier } from '../../schema/tiers.ts';
import type { RateWindow } from './gcra.ts';
import type { OutagePolicy } from './outage-policy.ts';

export interface RateLimitConfig {
  /** Per-tier replacements of the contract's default limits. */
  readonly tiers: Readonly<Partial<Record<Tier, { perMinute?: number; perHour?: number }>>>;
  readonly outagePolicy: OutagePolicy;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/** A tier's limits as configuration gives them; a missing field keeps the default. */
export interface TierLimitsConfig {
  readonly perMinute?: number | undefined;
  readonly perHour?: number | undefined;
}

/** A key's own limits; null (or absent) means "the tier's". */
export interface KeyLimitOverrides {
  readonly perMinute?: number | null | undefined;
  readonly perHour?: number | null | undefined;
}

export interface RateLimitResolverOptions {
  /**
   * Per-tier replacements for `DEFAULT_TIER_LIMITS` (CONTRACT.md section 2).
   * @default {}
   */
  readonly tiers?: { readonly [T in Tier]?: TierLimitsConfig | undefined };
}

export interface RateLimitResolver {
  /** The windows a principal is held to, `minute` then `hour`. */
  windowsFor(tier: Tier, overrides?: KeyLimitOverrides | null): readonly RateWindow[];
}

function checkedLimit(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`rate limit: ${what} must be a positive integer, got ${value}`);
  return value;
}

function windows(perMinute: number, perHour: number): readonly RateWindow[] {
  return Object.freeze([
    Object.freeze({ name: 'minute', limit: perMinute, windowMs: MINUTE_MS }),
    Object.freeze({ name: 'hour', limit: perHour, windowMs: HOUR_MS }),
  ]);
}

/**
 * Resolves tier defaults, then configuration, then a key's own limits. Tier
 * windows are built and checked once, here, so a bad configuration fails at start
 * (RangeError naming the tier) and requests without overrides allocate nothing.
 */
export function rateLimitResolver(options: RateLimitResolverOptions = {}): RateLimitResolver {
  const byTier = new Map<Tier, { readonly perMinute: number; readonly perHour: number; readonly windows: readonly RateWindow[] }>();
  for (const tier of TIER_NAMES) {
    const configured = options.tiers?.[tier];
    const perMinute = checkedLimit(configured?.perMinute ?? DEFAULT_TIER_LIMITS[tier].perMinute, `${tier}.perMinute`);
    const perHour = checkedLimit(configured?.perHour ?? DEFAULT_TIER_LIMITS[tier].perHour, `${tier}.perHour`);
    byTier.set(tier, { perMinute, perHour, windows: windows(perMinute, perHour) });
  }

  return {
    windowsFor(tier, overrides) {
      const base = byTier.get(tier);
      if (base === undefined) throw new RangeError(`rate limit: unknown tier '${String(tier)}'`);
      const perMinute = overrides?.perMinute;
      const perHour = overrides?.perHour;
      if (perMinute == null && perHour == null) return base.windows;
      return windows(
        perMinute == null ? base.perMinute : checkedLimit(perMinute, 'key perMinute'),
        perHour == null ? base.perHour : checkedLimit(perHour, 'key perHour'),
      );
    },
  };
}
