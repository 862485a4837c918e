import { isObjectType, type GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { deny, rule, shield, type IRule, type IRules } from 'graphql-shield';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { insufficientPermissions } from '../../core/errors/errors.ts';
import { dependsOnCallerOnly, evaluate, type AccessRule, type AccessRuleMap } from './access-rules.ts';
import type { SubgraphContext } from '../../core/identity/subgraph-context.ts';

/** The federation plumbing every subgraph exposes to the gateway, which alone can reach it. */
export const FEDERATION_RULES: AccessRuleMap = {
  'Query._service': { kind: 'public' },
  'Query._entities': { kind: 'public' },
  '_Service.*': { kind: 'public' },
};

const REFERENCE_SUFFIX = '.__resolveReference';

/**
 * graphql-shield never sees `__resolveReference` (the `_entities` resolver calls it
 * directly), so an entity reachable by reference would skip its rules. We wrap each
 * reference resolver with its rule before the schema is built, and refuse to build
 * a subgraph whose entity has no reference rule.
 */
export function guardReferenceResolvers(
  resolvers: GraphQLResolverMap<SubgraphContext>,
  rules: AccessRuleMap,
): GraphQLResolverMap<SubgraphContext> {
  const guarded: GraphQLResolverMap<SubgraphContext> = { ...resolvers };
  for (const [typeName, typeResolvers] of Object.entries(resolvers)) {
    const resolveReference = (typeResolvers as { __resolveReference?: unknown }).__resolveReference;
    if (typeof resolveReference !== 'function') continue;
    const accessRule = rules[`${typeName}${REFERENCE_SUFFIX}`];
    if (!accessRule) throw new Error(`No access rule for ${typeName}${REFERENCE_SUFFIX}`);
    guarded[typeName] = {
      ...typeResolvers,
      // Async, so a refusal nulls only this entity of a batch, not the whole _entities field.
      __resolveReference: async (reference: unknown, context: SubgraphContext, info: unknown) => {
        const verdict = evaluate(accessRule, context, reference);
        if (verdict !== true) throw verdict;
        return (resolveReference as (r: unknown, c: SubgraphContext, i: unknown) => unknown)(reference, context, info);
      },
    } as GraphQLResolverMap<SubgraphContext>[string];
  }
  return guarded;
}

/** Turns the coordinate-keyed map into graphql-shield's tree; deny is the fallback. */
export function shieldRuleTree(rules: AccessRuleMap): IRules {
  const compiled = new Map<AccessRule, IRule>();
  const tree: Record<string, Record<string, IRule>> = {};
  for (const [coordinate, accessRule] of Object.entries(rules)) {
    if (coordinate.endsWith(REFERENCE_SUFFIX)) continue;
    const [typeName, fieldName] = coordinate.split('.') as [string, string];
    let shieldRule = compiled.get(accessRule);
    if (!shieldRule) {
      shieldRule = rule(`access:${coordinate}`, {
        // 'contextual' evaluates once per request; owner checks depend on the parent.
        cache: dependsOnCallerOnly(accessRule) ? 'contextual' : 'strict',
      })((parent: unknown, _args: unknown, context: SubgraphContext) => evaluate(accessRule, context, parent));
      compiled.set(accessRule, shieldRule);
    }
    (tree[typeName] ??= {})[fieldName] = shieldRule;
  }
  return tree as IRules;
}

export function applyAccessRules(schema: GraphQLSchema, rules: AccessRuleMap): GraphQLSchema {
  // A subgraph without entities has no `_entities`; shield refuses rules for absent fields.
  const federation = Object.fromEntries(
    Object.entries(FEDERATION_RULES).filter(([coordinate]) => {
      const [typeName, fieldName] = coordinate.split('.') as [string, string];
      const type = schema.getType(typeName);
      return fieldName === '*' ? type !== undefined : isObjectType(type) && fieldName in type.getFields();
    }),
  );
  const permissions = shield(shieldRuleTree({ ...federation, ...rules }), {
    fallbackRule: deny,
    fallbackError: () => insufficientPermissions('No access rule admits this field'),
    // Resolvers throw contract errors on purpose; shield must pass them through.
    allowExternalErrors: true,
    debug: false,
  });
  return applyMiddleware(schema, permissions);
}
