import { allow, authenticated, ownerOrAdmin, recordOwner, userItself, type AccessRuleMap } from '../shared/access-rules.ts';

export const agentForgeAccess: AccessRuleMap = {
  'Query.models': authenticated({ scopes: ['read:models'] }),
  'Query.trainingJob': authenticated({ scopes: ['read:models'] }),
  'Query.trainingJobs': authenticated({ scopes: ['read:models'] }),
  'Mutation.startTraining': authenticated({ scopes: ['write:models'] }),
  'Mutation.chat': authenticated({ scopes: ['write:models'] }),
  // The upstream is not a user: the per-job callback signature is its credential, checked by the resolver.
  'Mutation.reportTrainingProgress': allow,
  // Resolvers return only the caller's own jobs; references are checked here.
  'TrainingJob.*': allow,
  'TrainingJob.__resolveReference': ownerOrAdmin(recordOwner, ['read:models']),
  'User.id': allow,
  'User.trainingJobs': ownerOrAdmin(userItself, ['read:models']),
  'User.__resolveReference': ownerOrAdmin(userItself),
  'TrainedModel.*': allow,
  // Subscriptions are served by the gateway, which evaluates this rule when one starts.
  'Subscription.trainingJobUpdated': authenticated({ scopes: ['read:models'] }),
  'TrainingEvent.*': allow,
  'ChatReply.*': allow,
};
