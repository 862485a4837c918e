import { allow, authenticated, ownerOrAdmin, type AccessRuleMap } from '../shared/access-rules.ts';

const uploadOwner = (parent: unknown): string | undefined => (parent as { ownerId?: string }).ownerId;
const userId = (parent: unknown): string | undefined => (parent as { id?: string }).id;

export const knowledgeAccess: AccessRuleMap = {
  'Query.knowledgeQuery': authenticated({ scopes: ['read:models'] }),
  'Query.uploads': authenticated({ scopes: ['read:models'] }),
  'Query.upload': authenticated({ scopes: ['read:models'] }),
  'Mutation.registerUpload': authenticated({ scopes: ['write:models'] }),
  'Upload.*': allow,
  'Upload.__resolveReference': ownerOrAdmin(uploadOwner, ['read:models']),
  'User.id': allow,
  'User.uploads': ownerOrAdmin(userId, ['read:models']),
  'User.__resolveReference': ownerOrAdmin(userId),
};
