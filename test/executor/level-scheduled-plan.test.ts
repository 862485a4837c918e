import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode, type PlanNode, type QueryPlan } from '@apollo/query-planner';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { BENCH_QUERY } from '../../bench/federation/query.ts';
import { composeBenchSupergraph } from '../../bench/subgraphs/compose.ts';
import { levelScheduledPlan } from '../../gateway/executor/level-scheduled-plan.ts';

const supergraph = Supergraph.build(composeBenchSupergraph({ accounts: 'http://a', inventory: 'http://i', products: 'http://p', reviews: 'http://r' }));
const planner = new QueryPlanner(supergraph);
const planOf = (source: string): QueryPlan => planner.buildQueryPlan(operationFromDocument(supergraph.schema, parse(source)));

const fetchOf = (node: PlanNode): FetchNode | null => (node.kind === 'Fetch' ? node : node.kind === 'Flatten' && node.node.kind === 'Fetch' ? node.node : null);

/** Each fetch with the fetches that must have answered before it starts. */
function dependencies(node: PlanNode, before: readonly FetchNode[], into: Map<FetchNode, readonly FetchNode[]>): FetchNode[] {
  const fetch = fetchOf(node);
  if (fetch) {
    into.set(fetch, before);
    return [fetch];
  }
  if (node.kind === 'Sequence') {
    let done = [...before];
    const all: FetchNode[] = [];
    for (const child of node.nodes) {
      const inside = dependencies(child, done, into);
      done = [...done, ...inside];
      all.push(...inside);
    }
    return all;
  }
  if (node.kind === 'Parallel') return node.nodes.flatMap((child) => dependencies(child, before, into));
  throw new Error(`unexpected ${node.kind}`);
}

/** The levels of a scheduled plan: fetches in order of the Sequence. */
function levelsOf(node: PlanNode): FetchNode[][] {
  const nodes = node.kind === 'Sequence' ? node.nodes : [node];
  return nodes.map((level) => (level.kind === 'Parallel' ? level.nodes : [level]).map((step) => fetchOf(step)!));
}

describe('level-scheduled query plans', () => {
  const plan = planOf(BENCH_QUERY);
  const scheduled = levelScheduledPlan(plan)!;
  const levels = levelsOf(scheduled);

  it("sends the benchmark query's 16 fetches as 7 requests (one per subgraph per level), as Hive Gateway's planner does", () => {
    const original = new Map<FetchNode, readonly FetchNode[]>();
    dependencies(plan.node as PlanNode, [], original);
    expect(original.size).toBe(16);
    expect(levels.flat()).toHaveLength(16);
    expect(new Set(levels.flat())).toEqual(new Set(original.keys()));
    expect(levels.reduce((sum, level) => sum + new Set(level.map((fetch) => fetch.serviceName)).size, 0)).toBe(7);
  });

  it('starts no fetch before every fetch it depended on in the original plan has answered', () => {
    const original = new Map<FetchNode, readonly FetchNode[]>();
    dependencies(plan.node as PlanNode, [], original);
    const levelOf = new Map(levels.flatMap((level, index) => level.map((fetch) => [fetch, index] as const)));
    for (const [fetch, before] of original) for (const earlier of before) expect(levelOf.get(earlier)!).toBeLessThan(levelOf.get(fetch)!);
  });

  it('leaves plans alone where levels save nothing, and mutations, whose order is the contract', () => {
    expect(levelScheduledPlan(planOf('{ topProducts { name } }'))).toBeNull();
    expect(levelScheduledPlan({ kind: 'QueryPlan' })).toBeNull();
    const mutation: QueryPlan = {
      kind: 'QueryPlan',
      node: {
        kind: 'Parallel',
        nodes: ['a', 'a'].map((serviceName): FetchNode => ({ kind: 'Fetch', serviceName, operation: 'mutation { x }', operationName: undefined, operationKind: 'mutation' as never })),
      },
    };
    expect(levelScheduledPlan(mutation)).toBeNull();
  });
});
