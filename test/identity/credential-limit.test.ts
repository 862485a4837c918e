import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { contractError } from '../../core/errors/errors.ts';
import { fieldOutsideLimit, type CredentialLimit } from '../../core/identity/credential-limit.ts';
import { EXPIRED_TOKEN_ALLOWS, MFA_ENROLMENT_ALLOWS, mfaEnrolmentLimit } from '../../gateway/identity/credential-limits.ts';

const schema = buildSchema(`
  type Key { name: String }
  type User { id: ID! email: String apiKeys: [Key] }
  type AuthPayload { accessToken: String user: User }
  type Query { me: User verify: String modules: [String] }
  type Mutation { refreshToken(refreshToken: String!): AuthPayload enrolMfa: String createApiKey: Key }
`);
const limit = (allows: ReadonlySet<string>): CredentialLimit => ({ reason: 'TEST', allows, refusal: () => contractError('INSUFFICIENT_PERMISSIONS') });
const outside = (allows: ReadonlySet<string>, document: string) => fieldOutsideLimit(limit(allows), schema, parse(document));

describe('a credential limit, checked over every field of a document', () => {
  it('admits the allowed fields (aliases and __typename included) and names the first one outside', () => {
    expect(outside(MFA_ENROLMENT_ALLOWS, '{ __typename me { id email __typename } mine: verify }')).toBeNull();
    expect(outside(MFA_ENROLMENT_ALLOWS, '{ me { id apiKeys { name } } }')).toBe('User.apiKeys');
    expect(outside(MFA_ENROLMENT_ALLOWS, '{ verify modules }')).toBe('Query.modules');
    expect(outside(MFA_ENROLMENT_ALLOWS, '{ me: modules }')).toBe('Query.modules');
  });

  it('sees through named and inline fragments, and checks operations not chosen to run', () => {
    expect(outside(MFA_ENROLMENT_ALLOWS, '{ me { ...F } } fragment F on User { id apiKeys { name } }')).toBe('User.apiKeys');
    expect(outside(MFA_ENROLMENT_ALLOWS, '{ me { ... on User { apiKeys { name } } } }')).toBe('User.apiKeys');
    expect(outside(MFA_ENROLMENT_ALLOWS, 'query A { me { id } } mutation B { createApiKey { name } }')).toBe('Mutation.createApiKey');
  });

  it('a type wildcard admits the type, not what its fields lead to', () => {
    expect(outside(EXPIRED_TOKEN_ALLOWS, 'mutation { refreshToken(refreshToken: "rt") { accessToken user { id email } } }')).toBeNull();
    expect(outside(EXPIRED_TOKEN_ALLOWS, 'mutation { refreshToken(refreshToken: "rt") { user { apiKeys { name } } } }')).toBe('User.apiKeys');
    expect(outside(EXPIRED_TOKEN_ALLOWS, 'mutation { enrolMfa }')).toBe('Mutation.enrolMfa');
  });

  it('introspection, where allowed, admits its whole subtree', () => {
    expect(outside(MFA_ENROLMENT_ALLOWS, '{ __schema { types { name fields { name } } } __type(name: "User") { name } }')).toBeNull();
    expect(outside(EXPIRED_TOKEN_ALLOWS, '{ __schema { types { name } } }')).toBe('Query.__schema');
  });

  it('REQUIRE_MFA limits user tokens of covered tiers signed in without a factor, never keys or verified sign-ins', () => {
    const limitOf = mfaEnrolmentLimit(['admin']);
    const user = { kind: 'user', userId: 'u', tier: 'admin', scopes: [], tokenId: 't', expiresAt: 0, mfaVerified: false, mfaRequired: false } as const;
    expect(limitOf(user)?.reason).toBe('MFA_ENROLMENT_REQUIRED');
    expect(limitOf(user)?.refusal().extensions).toMatchObject({ code: 'INSUFFICIENT_PERMISSIONS', reason: 'MFA_ENROLMENT_REQUIRED', tier: 'admin' });
    expect(limitOf({ ...user, mfaVerified: true })).toBeNull();
    expect(limitOf({ ...user, tier: 'pro' })).toBeNull();
    expect(limitOf({ kind: 'apiKey', userId: 'u', keyId: 'k', tier: 'admin', scopes: [], expiresAt: null, limits: { perMinute: null, perHour: null } })).toBeNull();
    expect(limitOf(null)).toBeNull();
  });
});
