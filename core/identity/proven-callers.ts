import type { Scope } from '../../schema/scopes.ts';
import type { Tier } from '../../schema/tiers.ts';

/**
 * A user the caller has just proved to be (by signing in) without yet holding a
 * token for them. Owner rules (`ownerOrAdmin`) admit the fields of this user, with
 * this user's scopes, for the rest of the same client request; nothing else is granted.
 */
export interface ProvenCaller {
  readonly userId: string;
  readonly tier: Tier;
  readonly scopes: readonly Scope[];
}

/** The context of one subgraph fetch (a subgraph's resolver context): what proofs are kept against. */
export interface FetchContext {
  /** Users proven in earlier fetches of the same client request. */
  readonly provenCallers?: readonly ProvenCaller[];
}

// Keyed by the context of one subgraph fetch, so a proof never outlives it.
const provenDuringFetch = new WeakMap<FetchContext, ProvenCaller[]>();

/** Called by a resolver that has just checked the caller's credentials for this user. */
export function proveCaller(context: FetchContext, caller: ProvenCaller): void {
  const proven = provenDuringFetch.get(context);
  if (proven) proven.push(caller);
  else provenDuringFetch.set(context, [caller]);
}

/** Callers proven by resolvers of this fetch, for the edge to carry into later fetches of the request. */
export function callersProvenDuring(context: FetchContext): readonly ProvenCaller[] {
  return provenDuringFetch.get(context) ?? [];
}

/** The proven caller who is this user, from this fetch or an earlier one of the same request. */
export function provenCallerFor(context: FetchContext, userId: string | undefined): ProvenCaller | undefined {
  if (userId === undefined) return undefined;
  const earlier = context.provenCallers?.find((caller) => caller.userId === userId);
  return earlier ?? provenDuringFetch.get(context)?.find((caller) => caller.userId === userId);
}
