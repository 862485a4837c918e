import { allow, authenticated, ownerOrAdmin, recordOwner, type AccessRuleMap } from '../shared/access-rules.ts';

const read = authenticated({ scopes: ['read:webhooks'] });
const write = authenticated({ scopes: ['write:webhooks'] });

export const webhooksAccess: AccessRuleMap = {
  'Query.webhookEndpoints': read,
  'Query.webhookEndpoint': read,
  'Query.webhookDeliveries': read,
  'Query.webhookDelivery': read,
  'Query.webhookEventTypes': authenticated(),
  // The catalog is documentation: the same for everyone, signed in or not.
  'Query.eventCatalog': allow,
  'EventCatalogEntry.*': allow,
  'TestEventResult.*': allow,
  'Mutation.createWebhookEndpoint': write,
  'Mutation.updateWebhookEndpoint': write,
  'Mutation.deleteWebhookEndpoint': write,
  'Mutation.rotateWebhookSecret': write,
  'Mutation.sendTestWebhook': write,
  'Mutation.triggerTestEvent': write,
  'Mutation.redeliverWebhook': write,
  'Mutation.recoverWebhookDeliveries': write,
  'Subscription.webhookDelivery': read,
  // Resolvers only ever return the caller's own records (any, for admin); references are checked here.
  'WebhookEndpoint.*': allow,
  'WebhookEndpoint.__resolveReference': ownerOrAdmin(recordOwner, ['read:webhooks']),
  'WebhookEndpointWithSecret.*': allow,
  'WebhookDelivery.*': allow,
  'WebhookAttempt.*': allow,
  'WebhookDeliveryConnection.*': allow,
  'WebhookAttemptConnection.*': allow,
  'PageInfo.*': allow,
  'WebhookAttemptEvent.*': allow,
  'User.id': allow,
};
