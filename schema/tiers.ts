/** The contract's tiers (CONTRACT.md section 2), as data every layer reads. */
export const TIER_NAMES = ['free', 'pro', 'enterprise', 'admin'] as const;
export type Tier = (typeof TIER_NAMES)[number];

export interface TierLimits {
  readonly perHour: number;
  readonly perMinute: number;
}

/** Default limits; configuration and per-key overrides take precedence. */
export const DEFAULT_TIER_LIMITS: Readonly<Record<Tier, TierLimits>> = {
  free: { perHour: 100, perMinute: 20 },
  pro: { perHour: 1_000, perMinute: 200 },
  enterprise: { perHour: 10_000, perMinute: 1_000 },
  admin: { perHour: 100_000, perMinute: 10_000 },
};

/** Names earlier gateways accepted on input (seed 002 "standard", "premium"). */
const TIER_ALIASES: Readonly<Record<string, Tier>> = {
  standard: 'free',
  premium: 'pro',
};

const RANK: Readonly<Record<Tier, number>> = { free: 0, pro: 1, enterprise: 2, admin: 3 };

export function tierRank(tier: Tier): number {
  return RANK[tier];
}

export function tierAtLeast(actual: Tier, required: Tier): boolean {
  return RANK[actual] >= RANK[required];
}

/** Accepts a canonical tier name or an alias, case-insensitively; undefined otherwise. */
export function parseTier(input: string): Tier | undefined {
  const name = input.trim().toLowerCase();
  if ((TIER_NAMES as readonly string[]).includes(name)) return name as Tier;
  return TIER_ALIASES[name];
}
