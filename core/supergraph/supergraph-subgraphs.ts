import { Kind, parse, type ConstArgumentNode } from 'graphql';

/**
 * The subgraphs a composed supergraph names, with the URLs recorded for them
 * (`enum join__Graph { X @join__graph(name: "x", url: "http://…") }`). Throws
 * when the text is not GraphQL or names no subgraph.
 */
export function supergraphSubgraphs(sdl: string): Record<string, string> {
  const document = parse(sdl, { noLocation: true });
  const subgraphs: Record<string, string> = {};
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph') continue;
    for (const value of definition.values ?? []) {
      const directive = value.directives?.find((candidate) => candidate.name.value === 'join__graph');
      const name = stringArgument(directive?.arguments, 'name');
      const url = stringArgument(directive?.arguments, 'url');
      if (!name || !url) throw new Error(`join__Graph.${value.name.value} has no name and url`);
      subgraphs[name] = url;
    }
  }
  if (Object.keys(subgraphs).length === 0) throw new Error('names no subgraph (no join__Graph enum)');
  return subgraphs;
}

function stringArgument(args: readonly ConstArgumentNode[] | undefined, name: string): string | undefined {
  const argument = args?.find((candidate) => candidate.name.value === name);
  return argument?.value.kind === Kind.STRING ? argument.value.value : undefined;
}
