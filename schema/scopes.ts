/**
 * Scopes narrow what a credential may do (seed 003 style `action:resource`).
 * A user holds every non-admin scope unless an admin narrows it; a key holds a
 * subset of its owner's.
 */
export const SCOPES = [
  'read:profile',
  'read:keys',
  'write:keys',
  'read:webhooks',
  'write:webhooks',
  'read:analytics',
  'read:modules',
  'write:modules',
  'read:models',
  'write:models',
  'read:bulk',
  'write:bulk',
] as const;
export type Scope = (typeof SCOPES)[number];

export const DEFAULT_USER_SCOPES: readonly Scope[] = SCOPES;

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}
