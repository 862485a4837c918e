import type { GraphQLError } from 'graphql';
import { contractError } from '../../core/errors/errors.ts';
import type { CredentialLimit } from '../../core/identity/credential-limit.ts';
import type { Principal } from '../../core/identity/principal.ts';
import type { Tier } from '../../schema/tiers.ts';

/** What a sign-in answers and the account's own fields (the auth subgraph's, none of another subgraph). */
const SIGN_IN_RESULT = ['AuthPayload.*', 'NewAccount.*', 'User.id', 'User.email', 'User.tier', 'User.scopes', 'User.createdAt'];

/**
 * What a sign-in that owes its second factor may do: see who it is (`me`, `verify`),
 * enrol and confirm a factor, keep its session alive while doing so (`refreshToken`)
 * or end it (`logout`), and sign in again (`login`, `verifyMfa` need no token and grant
 * nothing the password or code would not grant anonymously). Introspection too, so an
 * explorer holding the token can still show the enrolment mutations.
 */
export const MFA_ENROLMENT_ALLOWS: ReadonlySet<string> = new Set([
  'Query.me',
  'Query.verify',
  'Query.__schema',
  'Query.__type',
  'Mutation.enrolMfa',
  'Mutation.confirmMfa',
  'Mutation.refreshToken',
  'Mutation.logout',
  'Mutation.login',
  'Mutation.verifyMfa',
  'MfaEnrolment.*',
  'MfaConfirmation.*',
  'CredentialInfo.*',
  ...SIGN_IN_RESULT,
]);

/** What an expired (validly signed) access token may do: trade the refresh token sent with it. */
export const EXPIRED_TOKEN_ALLOWS: ReadonlySet<string> = new Set(['Mutation.refreshToken', ...SIGN_IN_RESULT]);

export type CredentialLimitOf = (principal: Principal | null) => CredentialLimit | null;

/**
 * REQUIRE_MFA made mandatory: a user token of a covered tier signed in without a
 * second factor can only enrol one. Decided from the configuration rather than the
 * token's `mfa_required` claim, so tokens signed before REQUIRE_MFA was set are
 * limited too. API keys are not limited: each is a credential of its own, made by a
 * signed-in owner and shown once, which the password alone cannot recover.
 */
export function mfaEnrolmentLimit(requireMfaFor: readonly Tier[]): CredentialLimitOf {
  const limits = new Map<Tier, CredentialLimit>(
    requireMfaFor.map((tier) => [
      tier,
      {
        reason: 'MFA_ENROLMENT_REQUIRED',
        allows: MFA_ENROLMENT_ALLOWS,
        refusal: () =>
          contractError(
            'INSUFFICIENT_PERMISSIONS',
            `A second factor is required for the '${tier}' tier (REQUIRE_MFA): enrol one (enrolMfa, then confirmMfa with a code; POST /auth/mfa/enrol, /auth/mfa/confirm), then sign in again`,
            { reason: 'MFA_ENROLMENT_REQUIRED', tier },
          ),
      },
    ]),
  );
  return (principal) => (principal?.kind === 'user' && !principal.mfaVerified ? (limits.get(principal.tier) ?? null) : null);
}

/** The limit of an expired token: its refusal is the expiry itself (401 TOKEN_EXPIRED). */
export function expiredTokenLimit(expired: GraphQLError): CredentialLimit {
  return { reason: 'TOKEN_EXPIRED', allows: EXPIRED_TOKEN_ALLOWS, refusal: () => expired };
}
