import type { GraphQLError } from 'graphql';
import { validationError } from '../core/errors/errors.ts';
import { subgraphDefinition } from './registry.ts';
import { evaluate } from './shared/access-rules.ts';
import type { SubgraphContext } from '../core/identity/subgraph-context.ts';

/**
 * The access rule a subgraph declares for one of its `Subscription` fields,
 * evaluated for a caller. The gateway runs subscriptions itself, so it asks the
 * owning subgraph's rule table instead of keeping a copy.
 */
export function subscriptionAccess(subgraph: string, field: string, caller: SubgraphContext): true | GraphQLError {
  const rule = subgraphDefinition(subgraph).access[`Subscription.${field}`];
  return rule ? evaluate(rule, caller, undefined) : validationError('No access rule admits this field');
}
