import type { GraphQLError } from 'graphql';
import { insufficientPermissions, insufficientTier, missingScope, unauthenticated } from '../../core/errors/errors.ts';
import type { Scope } from '../../schema/scopes.ts';
import { tierAtLeast, type Tier } from '../../schema/tiers.ts';
import type { SubgraphContext } from '../../core/identity/subgraph-context.ts';
import { provenCallerFor } from '../../core/identity/proven-callers.ts';

/**
 * Access rules as data, keyed by schema coordinate in each subgraph's rule map
 * (`'Mutation.createApiKey'`, `'User.*'`, `'User.__resolveReference'`).
 * graphql-shield enforces them on fields; `shield.ts` also applies them to entity
 * resolution, which graphql-shield does not see.
 */
export type AccessRule =
  | { readonly kind: 'public' }
  | {
      readonly kind: 'authenticated';
      readonly scopes: readonly Scope[];
      readonly minTier: Tier | null;
      /** Some operations (changing a password, managing keys with a key) need a signed-in user. */
      readonly userOnly: boolean;
      /** Names what is gated in a tier refusal, e.g. "Module 'drone-system'". @default 'This operation' */
      readonly subject: string;
    }
  | { readonly kind: 'admin' }
  | {
      readonly kind: 'ownerOrAdmin';
      readonly scopes: readonly Scope[];
      /** The id of the user who owns the parent object. */
      readonly ownerOf: (parent: unknown) => string | undefined;
    }
  | {
      /** `inner`, and a token that passed a second factor wherever the account must have one. */
      readonly kind: 'mfaVerified';
      readonly inner: AccessRule;
    };

export type AccessRuleMap = Readonly<Record<string, AccessRule>>;

export const allow: AccessRule = { kind: 'public' };
export const adminOnly: AccessRule = { kind: 'admin' };

export function authenticated(
  options: { scopes?: readonly Scope[]; minTier?: Tier; userOnly?: boolean; subject?: string } = {},
): AccessRule {
  return {
    kind: 'authenticated',
    scopes: options.scopes ?? [],
    minTier: options.minTier ?? null,
    userOnly: options.userOnly ?? false,
    subject: options.subject ?? 'This operation',
  };
}

/** The owner of a record that carries `ownerId` (keys, jobs, uploads, endpoints). */
export const recordOwner = (parent: unknown): string | undefined => (parent as { ownerId?: string }).ownerId;
/** A `User` reference is its own owner. */
export const userItself = (parent: unknown): string | undefined => (parent as { id?: string }).id;

export function ownerOrAdmin(ownerOf: (parent: unknown) => string | undefined, scopes: readonly Scope[] = []): AccessRule {
  return { kind: 'ownerOrAdmin', ownerOf, scopes };
}

/**
 * Refuses a user token without a second factor when its account has one or REQUIRE_MFA
 * covers its tier (both recorded in the token as `mfa_required`). API keys are credentials
 * of their own, made by a signed-in owner: combine with `userOnly` to keep them out.
 */
export function mfaVerified(inner: AccessRule): AccessRule {
  return { kind: 'mfaVerified', inner };
}

/** `true` when the rule admits the call, otherwise the contract error to return. */
export function evaluate(rule: AccessRule, context: SubgraphContext, parent: unknown): true | GraphQLError {
  if (rule.kind === 'public') return true;
  if (rule.kind === 'mfaVerified') {
    const verdict = evaluate(rule.inner, context, parent);
    if (verdict !== true) return verdict;
    const principal = context.principal;
    if (principal?.kind === 'user' && principal.mfaRequired && !principal.mfaVerified) {
      return insufficientPermissions('This operation requires a sign-in with a second factor (MFA)');
    }
    return true;
  }
  if (rule.kind === 'ownerOrAdmin') {
    // Signing in proves the caller is this user before any token is presented.
    const proven = provenCallerFor(context, rule.ownerOf(parent));
    if (proven && scopesHeld(rule.scopes, proven.scopes) === true) return true;
  }
  const principal = context.principal;
  if (!principal) return unauthenticated();
  switch (rule.kind) {
    case 'admin':
      return principal.tier === 'admin' ? true : insufficientPermissions('This operation requires an admin');
    case 'authenticated': {
      if (rule.userOnly && principal.kind !== 'user') {
        return insufficientPermissions('This operation requires a signed-in user, not an API key');
      }
      if (rule.minTier && !tierAtLeast(principal.tier, rule.minTier)) {
        return insufficientTier(rule.subject, rule.minTier, principal.tier);
      }
      return scopesHeld(rule.scopes, principal.scopes);
    }
    case 'ownerOrAdmin': {
      if (principal.tier === 'admin') return true;
      if (rule.ownerOf(parent) !== principal.userId) return insufficientPermissions('Only the owner may read this');
      return scopesHeld(rule.scopes, principal.scopes);
    }
    default: {
      const unreachable: never = rule;
      return unreachable;
    }
  }
}

function scopesHeld(required: readonly Scope[], held: readonly Scope[]): true | GraphQLError {
  const missing = required.find((scope) => !held.includes(scope));
  return missing === undefined ? true : missingScope(missing);
}

/** Rules whose outcome depends on the caller only, so one evaluation serves a whole request. */
export function dependsOnCallerOnly(rule: AccessRule): boolean {
  if (rule.kind === 'mfaVerified') return dependsOnCallerOnly(rule.inner);
  return rule.kind !== 'ownerOrAdmin';
}
