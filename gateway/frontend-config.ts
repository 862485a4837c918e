import { z } from 'zod';
import { LANDING_PAGES, type LandingPage } from './http/explorer/landing-page.ts';

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
