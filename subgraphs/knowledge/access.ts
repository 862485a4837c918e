import { allow, authenticated, ownerOrAdmin, recordOwner, userItself, type AccessRuleMap } from '../shared/access-rules.ts';

export const knowledgeAccess: AccessRuleMap = {
  'Query.knowledgeQuery': authenticated({ scopes: ['read:models'] }),
  'Query.uploads': authenticated({ scopes: ['read:models'] }),
  'Query.upload': authenticated({ scopes: ['read:models'] }),
  'Mutation.registerUpload': authenticated({ scopes: ['write:models'] }),
  'Upload.*': allow,
  'Upload.__resolveReference': ownerOrAdmin(recordOwner, ['read:models']),
  'User.id': allow,
  'User.uploads': ownerOrAdmin(userItself, ['read:models']),
  'User.__resolveReference': ownerOrAdmin(userItself),
};
