import { readFileSync } from 'node:fs';
import { buildSchema, getNamedType, isNonNullType, isObjectType, type GraphQLField } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SUPERGRAPH_PATH } from '../../core/supergraph/supergraph-path.ts';
import { composeSupergraphSdl } from '../../subgraphs/compose.ts';
import { SUBGRAPH_NAMES } from '../../schema/subgraph-names.ts';
import { subgraphDefinition } from '../../subgraphs/registry.ts';
import { FEDERATION_RULES } from '../../subgraphs/shared/shield.ts';
import { buildSubgraphSchema } from '@apollo/subgraph';

describe('the supergraph', () => {
  it('is up to date with the subgraphs (run `npm run compose` when this fails)', () => {
    expect(readFileSync(SUPERGRAPH_PATH, 'utf8')).toBe(composeSupergraphSdl());
  });

  it('gives every root field of every subgraph an explicit access rule', () => {
    const missing: string[] = [];
    for (const name of SUBGRAPH_NAMES) {
      const definition = subgraphDefinition(name);
      const schema = buildSubgraphSchema([{ typeDefs: definition.typeDefs }]);
      const rules = { ...FEDERATION_RULES, ...definition.access };
      for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
        for (const field of Object.keys(root?.getFields() ?? {})) {
          if (!rules[`${root?.name}.${field}`]) missing.push(`${name}: ${root?.name}.${field}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('gives every object type a rule (wildcard or per field), so nothing is reachable by accident', () => {
    const missing: string[] = [];
    for (const name of SUBGRAPH_NAMES) {
      const definition = subgraphDefinition(name);
      const schema = buildSubgraphSchema([{ typeDefs: definition.typeDefs }]);
      const rules = { ...FEDERATION_RULES, ...definition.access };
      for (const type of Object.values(schema.getTypeMap())) {
        if (!isObjectType(type) || type.name.startsWith('__') || ['Query', 'Mutation', 'Subscription'].includes(type.name)) continue;
        for (const field of Object.keys(type.getFields())) {
          if (!rules[`${type.name}.${field}`] && !rules[`${type.name}.*`]) missing.push(`${name}: ${type.name}.${field}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  // A field one subgraph resolves on an object another subgraph gives the rest of is
  // fetched apart, and fails apart when that subgraph is down. Non-null, its null would
  // climb (GraphQL's propagation) past every field the first subgraph did resolve, up
  // to the root: one subgraph down would blank whole operations. So where an object
  // is reached through a non-null field, its fields from other subgraphs are
  // nullable, or the field reaching it is.
  it('keeps what an unavailable subgraph owns from nulling what other subgraphs resolved', () => {
    const supergraph = buildSchema(readFileSync(SUPERGRAPH_PATH, 'utf8'), { assumeValidSDL: true });
    const external = (field: GraphQLField<unknown, unknown>) => field.astNode?.directives?.some((directive) => directive.name.value === 'external') ?? false;
    const spreading: string[] = [];
    for (const name of SUBGRAPH_NAMES) {
      const schema = buildSubgraphSchema([{ typeDefs: subgraphDefinition(name).typeDefs }]);
      for (const parent of Object.values(schema.getTypeMap())) {
        if (!isObjectType(parent) || parent.name.startsWith('__')) continue;
        for (const field of Object.values(parent.getFields())) {
          const reached = getNamedType(field.type);
          const whole = supergraph.getType(reached.name);
          if (!isNonNullType(field.type) || !isObjectType(reached) || !isObjectType(whole)) continue;
          const own = reached.getFields();
          for (const other of Object.values(whole.getFields())) {
            const resolvedHere = own[other.name] !== undefined && !external(own[other.name]!);
            if (!resolvedHere && isNonNullType(other.type)) spreading.push(`${name}: ${parent.name}.${field.name}: ${String(field.type)} reaches ${whole.name}.${other.name}: ${String(other.type)}`);
          }
        }
      }
    }
    expect(spreading).toEqual([]);
  });

  it('parses as a schema', () => {
    expect(() => buildSchema(readFileSync(SUPERGRAPH_PATH, 'utf8'), { assumeValidSDL: true })).not.toThrow();
  });
});
