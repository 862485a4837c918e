import { isDeepStrictEqual } from 'node:util';

/**
 * An endpoint's optional payload filter: an object whose every field must equal
 * the event payload's field of the same name (`{"tier": "pro"}`). Null matches all.
 */
export function matchesPayloadFilter(filter: unknown, payload: unknown): boolean {
  if (filter === null || filter === undefined) return true;
  if (typeof filter !== 'object' || Array.isArray(filter) || typeof payload !== 'object' || payload === null) return false;
  return Object.entries(filter).every(([field, expected]) => isDeepStrictEqual((payload as Record<string, unknown>)[field], expected));
}
