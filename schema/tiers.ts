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

/** Names earlier gateways accepted on input (seed 002 "standard", "premium"); answered as the canonical name. */
export const TIER_ALIASES = {
  standard: 'free',
  premium: 'pro',
} as const satisfies Readonly<Record<string, Tier>>;

export type TierAlias = keyof typeof TIER_ALIASES;

/** Every name a tier may be given on input: the canonical ones, then the aliases. */
export const TIER_INPUT_NAMES = [...TIER_NAMES, ...(Object.keys(TIER_ALIASES) as TierAlias[])] as const;

/** The canonical tier of a name from TIER_INPUT_NAMES. */
export function canonicalTier(name: Tier | TierAlias): Tier {
  return name in TIER_ALIASES ? TIER_ALIASES[name as TierAlias] : (name as Tier);
}

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
  return (TIER_ALIASES as Readonly<Record<string, Tier>>)[name];
}
