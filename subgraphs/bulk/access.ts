import { allow, authenticated, ownerOrAdmin, recordOwner, type AccessRuleMap } from '../shared/access-rules.ts';

const read = authenticated({ scopes: ['read:bulk'] });
const write = authenticated({ scopes: ['write:bulk'] });

export const bulkAccess: AccessRuleMap = {
  'Query.bulkOperations': read,
  'Query.bulkOperation': read,
  'Mutation.cancelBulkOperation': write,
  'Mutation.retryFailedBulkRows': write,
  'Mutation.startBulkExport': write,
  'Subscription.bulkOperationUpdated': read,
  // Resolvers only ever return the caller's own jobs (any, for admin); references are checked here.
  'BulkOperation.*': allow,
  'BulkOperation.__resolveReference': ownerOrAdmin(recordOwner, ['read:bulk']),
  'BulkRow.*': allow,
  'BulkRowError.*': allow,
  'BulkPageInfo.*': allow,
  'BulkRowConnection.*': allow,
  'BulkOperationConnection.*': allow,
  'BulkOperationEvent.*': allow,
};
