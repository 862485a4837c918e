import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, type GraphQLSchema } from 'graphql';
import { moduleTypeDefs } from '../../subgraphs/module/module-type-defs.ts';
import { MODULE_CATALOG } from '../../schema/modules.ts';
import { JSONScalar } from '../../subgraphs/shared/scalars.ts';
import { INTERNAL_TOKEN_HEADER } from '../../core/identity/internal-token.ts';

/**
 * A stand-in for the `fundraising` module subgraph (SUBGRAPH_URLS=fundraising=…):
 * the same SDL, with a `request` mutation that records each call in memory
 * instead of calling an upstream. A body with a `key` is applied once per key
 * (the idempotency a bulk row key asks of a mutation); every call is counted, so
 * a test can tell a row that ran twice from one applied twice. `POST /fail` fails.
 */
export interface BulkTargetSubgraph {
  readonly url: string;
  /** Every call, in order: its body and the internal token's principal (decoded, not verified). */
  readonly calls: Array<{ body: Record<string, unknown>; principal: unknown }>;
  /** Keys applied (once each: a key seen again is recognised, as a mutation honouring it would). */
  readonly applied: Map<string, number>;
  /** Calls whose key had been applied already (re-sent rows), by key. */
  readonly repeated: Map<string, number>;
  /** Fetches received (one per batch when the planner groups the rows). */
  fetches: number;
  close(): Promise<void>;
}

const fundraising = MODULE_CATALOG.find((entry) => entry.slug === 'fundraising');

function principalOf(token: string | undefined): unknown {
  const payload = token?.split('.')[1];
  if (!payload) return null;
  try {
    return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { principal?: unknown }).principal ?? null;
  } catch {
    return null;
  }
}

export async function startBulkTargetSubgraph(options: { delayMs?: number } = {}): Promise<BulkTargetSubgraph> {
  if (!fundraising) throw new Error('the catalog lost fundraising');
  let currentPrincipal: unknown = null;
  const target: Omit<BulkTargetSubgraph, 'url' | 'close'> = { calls: [], applied: new Map(), repeated: new Map(), fetches: 0 };
  const schema: GraphQLSchema = buildSubgraphSchema([
    {
      typeDefs: moduleTypeDefs(fundraising),
      resolvers: {
        JSON: JSONScalar,
        Query: { fundraising: () => ({}) },
        Mutation: { fundraising: () => ({}) },
        FundraisingMutation: {
          request: (_parent: unknown, args: { method: string; path: string; body?: Record<string, unknown> }) => {
            const body = args.body ?? {};
            target.calls.push({ body, principal: currentPrincipal });
            if (args.path === '/fail') throw new Error('the upstream refused this row');
            const key = typeof body['key'] === 'string' ? body['key'] : null;
            if (key && target.applied.has(key)) target.repeated.set(key, (target.repeated.get(key) ?? 0) + 1);
            else if (key) target.applied.set(key, 1);
            return { status: 201, headers: {}, body: { echoed: body['name'] ?? null }, durationMs: 0 };
          },
        },
      } as never,
    },
  ]);
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      target.fetches += 1;
      const { query, variables } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { query: string; variables?: Record<string, unknown> };
      currentPrincipal = principalOf(request.headers[INTERNAL_TOKEN_HEADER] as string | undefined);
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      const result = await graphql({ schema, source: query, variableValues: variables ?? {} });
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(result));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    ...target,
    get fetches() {
      return target.fetches;
    },
    url: `http://127.0.0.1:${port}/graphql`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  } as BulkTargetSubgraph;
}
