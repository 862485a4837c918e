import { isScope, type Scope } from '../../schema/scopes.ts';

/** Stored scope lists are text; anything no longer in the catalog is dropped, never granted. */
export function asScopes(stored: readonly string[]): Scope[] {
  return stored.filter(isScope);
}
