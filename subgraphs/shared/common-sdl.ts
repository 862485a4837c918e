import { TIER_NAMES } from '../../schema/tiers.ts';

/**
 * Declarations several subgraphs share; composition requires them identical, so
 * they are written once. The Tier enum comes from the tier table itself.
 */
export const TIER_ENUM_SDL = `
  "Service tiers in ascending order of access (CONTRACT.md section 2)."
  enum Tier {
    ${TIER_NAMES.join('\n    ')}
  }
`;

export const DATE_TIME_SDL = `
  scalar DateTime
`;

export const JSON_SDL = `
  scalar JSON
`;
