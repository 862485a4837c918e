import { parse } from 'graphql';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { authenticated, type AccessRuleMap } from '../shared/access-rules.ts';
import { upstreamCaller } from '../shared/call-upstream.ts';
import { JSON_SDL } from '../shared/common-sdl.ts';
import type { SubgraphContext } from '../../core/identity/subgraph-context.ts';
import type { SubgraphServices } from '../shared/services.ts';
import type { SubgraphDefinition } from '../shared/subgraph-definition.ts';
import { NETWORK_READS } from './network-reads.ts';

const SERVICE = 'p2p-fog';

// The upstream's answers have no documented shape, so they are passed through as JSON.
const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

  ${JSON_SDL}

  type Query {
${NETWORK_READS.map((read) => `    ${JSON.stringify(read.description)}\n    ${read.field}: JSON`).join('\n')}
  }
`);

function resolvers(services: SubgraphServices): GraphQLResolverMap<SubgraphContext> {
  const upstream = upstreamCaller(services.moduleUpstreams, SERVICE, `Service '${SERVICE}'`);
  return {
    Query: Object.fromEntries(
      NETWORK_READS.map((read) => [read.field, (_parent: unknown, _args: unknown, context: SubgraphContext) => upstream.json({ method: 'GET', path: read.path }, context)]),
    ),
  } as GraphQLResolverMap<SubgraphContext>;
}

const access: AccessRuleMap = Object.fromEntries(NETWORK_READS.map((read) => [`Query.${read.field}`, authenticated()]));

/** /v1 P2P network status, fog nodes and tokens: reads from one upstream. */
export const p2pFogSubgraph: SubgraphDefinition = { name: SERVICE, typeDefs, resolvers, access };
