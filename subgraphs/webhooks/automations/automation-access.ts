import { allow, authenticated, type AccessRuleMap } from '../../shared/access-rules.ts';

// Automations call webhooks and run mutations in their owner's name: the webhook scopes
// govern them, and an API key must carry them as well as the action's own scopes.
const read = authenticated({ scopes: ['read:webhooks'] });
const write = authenticated({ scopes: ['write:webhooks'] });

export const automationAccess: AccessRuleMap = {
  'Query.automations': read,
  'Query.automation': read,
  'Query.automationRuns': read,
  'Query.automationEventTypes': authenticated(),
  'Mutation.createAutomation': write,
  'Mutation.updateAutomation': write,
  'Mutation.disableAutomation': write,
  'Mutation.deleteAutomation': write,
  // Resolvers only ever return the caller's own automations and runs.
  'Automation.*': allow,
  'AutomationTrigger.*': allow,
  'AutomationAction.*': allow,
  'AutomationRun.*': allow,
  'AutomationAttempt.*': allow,
  'AutomationRunConnection.*': allow,
};
