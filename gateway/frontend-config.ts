import { z } from 'zod';

/** A comma-separated list of HTTP header names (RFC 9110 tokens), e.g. CORS_ALLOWED_HEADERS. */
export const headerNames = z
  .string()
  .transform((value) => value.split(',').map((name) => name.trim()).filter(Boolean))
  .refine((names) => names.every((name) => /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)), 'must be a comma-separated list of header names like X-Tenant-Id');
