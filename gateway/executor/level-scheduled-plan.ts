import type { FetchNode, FlattenNode, PlanNode, QueryPlan } from '@apollo/query-planner';

/** A fetch as the plan runs it: alone, or under the path its representations come from. */
type Step = FetchNode | (FlattenNode & { node: FetchNode });

interface Placed {
  readonly step: Step;
  readonly serviceName: string;
  level: number;
  /** Something runs after it in a Sequence, so it cannot be put off. */
  readonly hasDependents: boolean;
}

/**
 * Apollo's planner nests fetches as independent branches (`Parallel` of
 * `Sequence`s), and each branch fetches from the same subgraph at its own pace:
 * the benchmark's query sends 16 requests where 7 would do. This rewrites a
 * query plan into levels (`Sequence` of `Parallel`s): each fetch runs at the
 * first level its inputs allow, except a fetch nothing waits for, which joins the
 * next level already calling its subgraph rather than costing a request alone.
 * Fetches of one level to one subgraph are then sent as one request (see
 * batched-fetches.ts). Results are merged by the same executor from the same
 * fetch nodes, so what each fetch asks and how its answer is placed is unchanged;
 * only the order changes, never before a fetch's inputs are there.
 *
 * Returns null when the plan is left as it is: not a query, `@defer`, conditions,
 * or when levels would not save a request (counting only the subgraphs `batched`
 * names as sending a level's fetches together).
 */
export function levelScheduledPlan(plan: QueryPlan, batched: (serviceName: string) => boolean = () => true): PlanNode | null {
  const root = plan.node;
  if (!root || root.kind === 'Subscription') return null;
  const placed: Placed[] = [];
  if (place(root, 0, false, placed) === null) return null;
  if (placed.some((entry) => entry.step.kind === 'Fetch' ? entry.step.operationKind !== 'query' : entry.step.node.operationKind !== 'query')) return null;

  joinLaterLevels(placed, batched);
  const levels: Step[][] = [];
  for (const entry of placed) (levels[entry.level] ??= []).push(entry.step);
  // Only subgraphs whose fetches are sent together save anything by waiting for each other.
  const requests = levels.reduce((sum, steps) => {
    const services = steps.map(serviceOf);
    return sum + new Set(services.filter(batched)).size + services.filter((service) => !batched(service)).length;
  }, 0);
  if (requests >= placed.length) return null;
  const nodes = levels.filter((steps) => steps.length > 0).map((steps): PlanNode => (steps.length === 1 ? steps[0]! : { kind: 'Parallel', nodes: steps }));
  return nodes.length === 1 ? nodes[0]! : { kind: 'Sequence', nodes };
}

function serviceOf(step: Step): string {
  return step.kind === 'Fetch' ? step.serviceName : step.node.serviceName;
}

/** Places every fetch at its earliest level; returns the level after the node, or null for a plan it cannot schedule. */
function place(node: PlanNode, level: number, followed: boolean, into: Placed[]): number | null {
  switch (node.kind) {
    case 'Fetch':
      into.push({ step: node, serviceName: node.serviceName, level, hasDependents: followed });
      return level + 1;
    case 'Flatten':
      if (node.node.kind !== 'Fetch') return null;
      into.push({ step: node as Step, serviceName: node.node.serviceName, level, hasDependents: followed });
      return level + 1;
    case 'Sequence': {
      let next: number | null = level;
      for (const [index, child] of node.nodes.entries()) {
        next = place(child, next, followed || index < node.nodes.length - 1, into);
        if (next === null) return null;
      }
      return next;
    }
    case 'Parallel': {
      let latest = level;
      for (const child of node.nodes) {
        const next = place(child, level, followed, into);
        if (next === null) return null;
        latest = Math.max(latest, next);
      }
      return latest;
    }
    default:
      // Defer and Condition change what runs at all: left to Apollo's plan as it is.
      return null;
  }
}

/**
 * A fetch nothing waits for, alone with its subgraph at its level, moves to the
 * next level that calls the same subgraph (it only waits longer; no input of
 * anything changes).
 */
function joinLaterLevels(placed: Placed[], batched: (serviceName: string) => boolean): void {
  const callsAt = (service: string, level: number, except: Placed) =>
    placed.some((other) => other !== except && other.serviceName === service && other.level === level);
  const lastLevel = Math.max(...placed.map((entry) => entry.level));
  for (const entry of placed) {
    if (entry.hasDependents || !batched(entry.serviceName) || callsAt(entry.serviceName, entry.level, entry)) continue;
    for (let later = entry.level + 1; later <= lastLevel; later += 1) {
      if (callsAt(entry.serviceName, later, entry)) {
        entry.level = later;
        break;
      }
    }
  }
}
