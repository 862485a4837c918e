import { adminOnly, allow, authenticated, ownerOrAdmin, userItself, type AccessRuleMap } from '../shared/access-rules.ts';

export const authAccess: AccessRuleMap = {
  'Query.me': authenticated(),
  'Query.verify': authenticated(),
  'Query.user': adminOnly,
  'Mutation.register': allow,
  'Mutation.login': allow,
  'Mutation.logout': authenticated({ userOnly: true }),
  'Mutation.setUserTier': adminOnly,
  'User.*': allow,
  'User.email': ownerOrAdmin(userItself),
  'User.scopes': ownerOrAdmin(userItself),
  'User.__resolveReference': ownerOrAdmin(userItself),
  'NewAccount.*': allow,
  'AuthPayload.*': allow,
  'CredentialInfo.*': allow,
};
