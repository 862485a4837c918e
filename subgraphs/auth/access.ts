import { adminOnly, allow, authenticated, ownerOrAdmin, type AccessRuleMap } from '../shared/access-rules.ts';

const userId = (parent: unknown): string | undefined => (parent as { id?: string }).id;

export const authAccess: AccessRuleMap = {
  'Query.me': authenticated(),
  'Query.verify': authenticated(),
  'Query.user': adminOnly,
  'Mutation.register': allow,
  'Mutation.login': allow,
  'Mutation.logout': authenticated({ userOnly: true }),
  'Mutation.setUserTier': adminOnly,
  'User.*': allow,
  'User.email': ownerOrAdmin(userId),
  'User.scopes': ownerOrAdmin(userId),
  'User.__resolveReference': ownerOrAdmin(userId),
  'NewAccount.*': allow,
  'AuthPayload.*': allow,
  'CredentialInfo.*': allow,
};
