import { adminOnly, allow, authenticated, type AccessRuleMap } from '../shared/access-rules.ts';

const readAnalytics = authenticated({ scopes: ['read:analytics'] });

/** Own usage needs `read:analytics`; other users' (platformUsage, others' keys) needs an admin. */
export const analyticsAccess: AccessRuleMap = {
  'Query.myUsage': readAnalytics,
  'Query.apiKeyUsage': readAnalytics,
  'Query.platformUsage': adminOnly,
  'Module.slug': allow,
  'Module.usage': readAnalytics,
  'Module.__resolveReference': authenticated(),
  // A report exists only once a rule above admitted the query that made it.
  'UsageReport.*': allow,
  'UsageStats.*': allow,
  'UsageBucket.*': allow,
  'UsageGroup.*': allow,
};
