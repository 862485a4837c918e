import { z } from 'zod';

/**
 * OpenID Connect Core 1.0 §2: `sub` is at most 255 ASCII characters. Identity
 * providers fill it as they like (`auth0|…`, `00u…`, digits, `f:…:name`), so a
 * subject is stored and compared as the text the token carries; the bound and
 * the ban on control characters keep it a short printable key (a NUL byte,
 * which Postgres text cannot hold, would have the database refuse its records).
 */
export const SUBJECT_MAX_LENGTH = 255;

export const subjectClaim = z
  .string()
  .min(1)
  .max(SUBJECT_MAX_LENGTH)
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters');
