import { allow, authenticated, ownerOrAdmin, recordOwner, userItself, type AccessRuleMap } from '../shared/access-rules.ts';

export const keysAccess: AccessRuleMap = {
  // The catalog is documentation: the same for everyone, signed in or not.
  'Query.scopeCatalog': allow,
  'ScopeCatalogEntry.*': allow,
  'Query.apiKeys': authenticated({ scopes: ['read:keys'] }),
  'Query.apiKey': authenticated({ scopes: ['read:keys'] }),
  'Mutation.createApiKey': authenticated({ scopes: ['write:keys'] }),
  'Mutation.revokeApiKey': authenticated({ scopes: ['write:keys'] }),
  'Mutation.rotateApiKey': authenticated({ scopes: ['write:keys'] }),
  'Mutation.updateApiKeyLimits': authenticated({ scopes: ['write:keys'], minTier: 'pro' }),
  // Resolvers only ever return the caller's own keys; references are checked here.
  'ApiKey.*': allow,
  'ApiKey.__resolveReference': ownerOrAdmin(recordOwner, ['read:keys']),
  'User.id': allow,
  'User.apiKeys': ownerOrAdmin(userItself, ['read:keys']),
  'User.__resolveReference': ownerOrAdmin(userItself),
  'CreatedApiKey.*': allow,
  // Subscriptions are served by the gateway, which evaluates these rules when one starts.
  'Subscription.apiKeyChanged': authenticated({ scopes: ['read:keys'] }),
  'Subscription.usageThresholdCrossed': authenticated(),
  'ApiKeyEvent.*': allow,
  'UsageThresholdEvent.*': allow,
};
