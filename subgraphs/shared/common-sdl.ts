import { TIER_ALIASES, TIER_NAMES } from '../../schema/tiers.ts';

/**
 * Declarations several subgraphs share; composition requires them identical, so
 * they are written once. The Tier enum comes from the tier table itself; its
 * aliases are input-only values (resolvers read them through `tierInput`).
 */
export const TIER_ENUM_SDL = `
  "Service tiers in ascending order of access (CONTRACT.md section 2)."
  enum Tier {
    ${TIER_NAMES.join('\n    ')}
    ${Object.entries(TIER_ALIASES)
      .map(([alias, tier]) => `${alias} @deprecated(reason: "An earlier name of ${tier}, accepted on input; answered as ${tier}.")`)
      .join('\n    ')}
  }
`;

export const DATE_TIME_SDL = `
  scalar DateTime
`;

export const JSON_SDL = `
  scalar JSON
`;
