import type { GraphQLSchema } from 'graphql';
import type { SubgraphName } from '../../schema/subgraph-names.ts';

/**
 * The subgraphs that run inside the gateway process, each built on first use.
 *
 * Building the 39 executable schemas (their modules, SDL, resolvers and the
 * shield's middleware over every field) took about 0.4 s of a 2.4 s start
 * (bench/README.md). None of it is needed to listen, so a start builds none of
 * them: `warm()`, called once the gateway listens, builds the rest one per turn
 * of the event loop, and a request that reaches a subgraph first builds that
 * one (about 10 ms). A schema that fails to build fails every request to it,
 * reports the subgraph down in /health/detailed, and is logged by `warm()`.
 */
export interface LocalSubgraphs {
  readonly names: ReadonlySet<SubgraphName>;
  schema(name: SubgraphName): Promise<GraphQLSchema>;
  /** False once building the schema failed. */
  healthy(name: SubgraphName): boolean;
  /** Builds every schema not built yet, yielding to other work between two; resolves when all are tried. */
  warm(onFailure: (name: SubgraphName, error: unknown) => void): Promise<void>;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export function localSubgraphs(names: Iterable<SubgraphName>, build: (name: SubgraphName) => Promise<GraphQLSchema> | GraphQLSchema): LocalSubgraphs {
  const all = new Set(names);
  const schemas = new Map<SubgraphName, Promise<GraphQLSchema>>();
  const failed = new Set<SubgraphName>();
  const schema = (name: SubgraphName): Promise<GraphQLSchema> => {
    if (!all.has(name)) return Promise.reject(new Error(`Subgraph '${name}' does not run in this process`));
    let built = schemas.get(name);
    if (!built) {
      built = Promise.resolve()
        .then(() => build(name))
        .catch((error: unknown) => {
          failed.add(name);
          throw error;
        });
      schemas.set(name, built);
    }
    return built;
  };
  return {
    names: all,
    schema,
    healthy: (name) => all.has(name) && !failed.has(name),
    async warm(onFailure) {
      for (const name of all) {
        if (schemas.has(name)) continue;
        await schema(name).catch((error: unknown) => onFailure(name, error));
        await nextTurn();
      }
    },
  };
}
