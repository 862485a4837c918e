import { z } from 'zod';
import { TIER_NAMES, type Tier } from '../../../schema/tiers.ts';
import { readTrustedDocuments, type TrustedDocumentsRequirement } from '../../executor/trusted-documents.ts';
import { LANDING_PAGES, type LandingPage } from '../../http/explorer/landing-page.ts';

/** A comma-separated list of HTTP header names (RFC 9110 tokens), e.g. CORS_ALLOWED_HEADERS. */
export const headerNames = z
  .string()
  .transform((value) => value.split(',').map((name) => name.trim()).filter(Boolean))
  .refine((names) => names.every((name) => /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)), 'must be a comma-separated list of header names like X-Tenant-Id');

/** LANDING_PAGE, resolved: unset keeps Sandbox in development and Apollo's static page in production. */
export const landingPageVariable = z.enum(LANDING_PAGES).optional();

export function landingPageFor(value: LandingPage | undefined, env: 'development' | 'production' | 'test'): LandingPage {
  return value ?? (env === 'production' ? 'static' : 'sandbox');
}

/** TRUSTED_DOCUMENTS: the path of a persisted-documents.json, read and checked at start. */
export const trustedDocumentsVariable = z
  .string()
  .min(1)
  .transform((path, ctx) => {
    try {
      return readTrustedDocuments(path);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `could not be loaded: ${(error as Error).message}` });
      return z.NEVER;
    }
  })
  .optional();

/** TRUSTED_DOCUMENTS_REQUIRED: `none`, `all-but-admin`, or the tiers that may send registered operations only. */
export const trustedDocumentsRequiredVariable = z
  .string()
  .transform((value, ctx): TrustedDocumentsRequirement => {
    const trimmed = value.trim();
    if (trimmed === 'none' || trimmed === '') return { kind: 'none' };
    if (trimmed === 'all-but-admin') return { kind: 'all-but-admin' };
    const tiers = trimmed.split(',').map((tier) => tier.trim());
    if (tiers.every((tier): tier is Tier => (TIER_NAMES as readonly string[]).includes(tier))) return { kind: 'tiers', tiers };
    ctx.addIssue({ code: 'custom', message: `must be none, all-but-admin, or a comma-separated list of tiers among ${TIER_NAMES.join(', ')}` });
    return z.NEVER;
  })
  .default({ kind: 'none' });

export interface TrustedDocumentsConfig {
  readonly documents: ReadonlyMap<string, string>;
  readonly required: TrustedDocumentsRequirement;
}

/** Null without a manifest; a requirement without one is refused by loadConfig. */
export function trustedDocumentsConfig(documents: ReadonlyMap<string, string> | undefined, required: TrustedDocumentsRequirement): TrustedDocumentsConfig | null {
  return documents ? { documents, required } : null;
}
