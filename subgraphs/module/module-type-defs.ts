import { parse, type DocumentNode } from 'graphql';
import { moduleFieldName, moduleTypePrefix, type ModuleDefinition, type TypedOperation } from '../../schema/modules.ts';
import { JSON_SDL } from '../shared/common-sdl.ts';

const argumentList = (operation: TypedOperation): string =>
  Object.entries(operation.args)
    .map(([name, type]) => `${name}: ${type}`)
    .join(', ');

const typedField = (operation: TypedOperation): string =>
  `  ${JSON.stringify(operation.description)}\n  ${operation.field}(${argumentList(operation)}): JSON`;

/**
 * One module's subgraph SDL: a namespace field on Query (GET) and on Mutation
 * (writes), each with the generic `request` surface and the typed operations the
 * seed documents. The shared types are declared identically in every module.
 */
export function moduleTypeDefs(entry: ModuleDefinition): DocumentNode {
  const field = moduleFieldName(entry.slug);
  const prefix = moduleTypePrefix(entry.slug);
  const queries = entry.operations.filter((operation) => operation.operation === 'query').map(typedField);
  const mutations = entry.operations.filter((operation) => operation.operation === 'mutation').map(typedField);
  return parse(`
extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@shareable"])

${JSON_SDL}

"Write methods a module's generic surface accepts; GET goes through the query side."
enum ModuleWriteMethod {
  POST
  PUT
  PATCH
  DELETE
}

"What an upstream module answered."
type ModuleResponse @shareable {
  status: Int!
  headers: JSON!
  body: JSON
  durationMs: Float!
}

"Read operations of the ${entry.name} module (minimum tier: ${entry.tier})."
type ${prefix}Query {
  "GET <path> on the module's upstream."
  request(path: String!, query: JSON): ModuleResponse!
${queries.join('\n')}
}

"Write operations of the ${entry.name} module (minimum tier: ${entry.tier})."
type ${prefix}Mutation {
  "<method> <path> on the module's upstream, with an optional JSON body."
  request(method: ModuleWriteMethod!, path: String!, query: JSON, body: JSON): ModuleResponse!
${mutations.join('\n')}
}

type Query {
  "The ${entry.slug} module (${entry.category}; ${entry.tier} tier and above)."
  ${field}: ${prefix}Query!
}

type Mutation {
  "The ${entry.slug} module (${entry.category}; ${entry.tier} tier and above)."
  ${field}: ${prefix}Mutation!
}
`);
}
