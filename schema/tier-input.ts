import { z } from 'zod';
import { canonicalTier, TIER_INPUT_NAMES } from './tiers.ts';

/**
 * A tier as a client may write it (canonical name or alias), read as the
 * canonical tier. Every input that takes a tier, GraphQL or REST, parses it with
 * this, so an alias means the same thing wherever it is accepted.
 */
export const tierInput = z.enum(TIER_INPUT_NAMES).transform(canonicalTier);
