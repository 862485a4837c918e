import { readFileSync } from 'node:fs';
import { buildSchema, isObjectType } from 'graphql';
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

  it('parses as a schema', () => {
    expect(() => buildSchema(readFileSync(SUPERGRAPH_PATH, 'utf8'), { assumeValidSDL: true })).not.toThrow();
  });
});
