import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { localSubgraphs } from '../../gateway/executor/local-subgraphs.ts';
import type { SubgraphName } from '../../schema/subgraph-names.ts';

const names = ['auth', 'keys', 'webhooks'] as SubgraphName[];

describe('in-process subgraphs built on first use', () => {
  it('builds a schema once, when first asked or by warm(), and builds nothing at creation', async () => {
    const built: string[] = [];
    const local = localSubgraphs(names, (name) => {
      built.push(name);
      return buildSchema(`type Query { ${name.replace('-', '_')}: Int }`);
    });
    expect(built).toEqual([]);
    const [first, again] = await Promise.all([local.schema('keys' as SubgraphName), local.schema('keys' as SubgraphName)]);
    expect(first).toBe(again);
    expect(built).toEqual(['keys']);
    await local.warm(() => undefined);
    expect(built.sort()).toEqual(['auth', 'keys', 'webhooks']);
    expect(names.every((name) => local.healthy(name))).toBe(true);
  });

  it('fails every request of a subgraph whose schema cannot be built, reports it down and tells warm() of it; the others serve', async () => {
    const failures: string[] = [];
    const local = localSubgraphs(names, (name) => {
      if (name === 'keys') throw new Error('no rule for Query.apiKeys');
      return buildSchema('type Query { ok: Int }');
    });
    await local.warm((name, error) => failures.push(`${name}: ${(error as Error).message}`));
    expect(failures).toEqual(['keys: no rule for Query.apiKeys']);
    await expect(local.schema('keys' as SubgraphName)).rejects.toThrow(/no rule/);
    expect(local.healthy('keys' as SubgraphName)).toBe(false);
    expect(local.healthy('auth' as SubgraphName)).toBe(true);
    await expect(local.schema('bulk' as SubgraphName)).rejects.toThrow(/does not run in this process/);
    expect(local.healthy('bulk' as SubgraphName)).toBe(false);
  });
});
