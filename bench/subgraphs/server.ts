import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { execute, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { BENCH_SUBGRAPHS, type BenchSubgraphName } from './definitions.ts';

export interface RunningBenchSubgraph {
  readonly url: string;
  /** GraphQL requests answered since start: the gateway's subgraph fetches. */
  requests(): number;
  close(): Promise<void>;
}

async function readJson(request: IncomingMessage): Promise<{ query?: string; variables?: Record<string, unknown>; operationName?: string }> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as { query?: string };
}

/**
 * One benchmark subgraph on plain node:http and graphql-js, with parsed
 * documents cached: it should cost the subgraph core as little as possible so
 * the gateway is what the benchmark measures. `GET /counters` reports requests.
 */
export async function startBenchSubgraph(name: BenchSubgraphName, port: number, host = '127.0.0.1'): Promise<RunningBenchSubgraph> {
  const schema: GraphQLSchema = buildSubgraphSchema(BENCH_SUBGRAPHS[name]);
  const documents = new Map<string, DocumentNode>();
  let requests = 0;

  const server = createServer({ keepAliveTimeout: 65_000 }, (request, response) => {
    if (request.method === 'GET' && request.url === '/counters') {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ requests }));
      return;
    }
    if (request.method !== 'POST') {
      response.statusCode = 405;
      response.end();
      return;
    }
    requests += 1;
    const send = (status: number, payload: unknown) => {
      response.statusCode = status;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(payload));
    };
    readJson(request)
      .then(async (body) => {
        const query = body.query ?? '';
        let document = documents.get(query);
        if (!document) {
          document = parse(query);
          const problems = validate(schema, document);
          if (problems.length > 0) throw new Error(problems.map((problem) => problem.message).join('; '));
          documents.set(query, document);
        }
        send(200, await execute({ schema, document, variableValues: body.variables ?? null, operationName: body.operationName ?? null }));
      })
      .catch((error: unknown) => send(400, { errors: [{ message: error instanceof Error ? error.message : String(error) }] }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}/graphql`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
