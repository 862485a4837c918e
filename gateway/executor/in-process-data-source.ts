import { execute, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { MaskOptions } from '../../core/errors/mask-error.ts';
import { maskError } from '../../core/errors/mask-error.ts';
import type { EdgeContext } from './edge-context.ts';
import type { PerRequestVerifier } from './per-request-verifier.ts';
import { proofExtensions, type CallerProofs } from '../../core/identity/caller-proof.ts';
import { callersProvenDuring } from '../../core/identity/proven-callers.ts';
import type { SubgraphContext } from '../../core/identity/subgraph-context.ts';

type GatewayGraphQLResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

export interface InProcessDataSourceOptions {
  /** The subgraph's schema, built on first use (local-subgraphs.ts). */
  readonly schema: () => Promise<GraphQLSchema>;
  /** Checks the edge's internal token (once per client request). */
  readonly verify: PerRequestVerifier;
  readonly mask: MaskOptions;
  /** Signs what a login proved, for the request's later fetches (proven-caller-fetches.ts). */
  readonly proofs: CallerProofs;
  /** Distinct subgraph operations kept parsed and validated. @default 1000 */
  readonly documentCacheSize?: number;
}

/**
 * Executes a subgraph's part of a query plan inside the gateway process. Identity
 * travels exactly as over HTTP: the edge's signed internal token is verified here
 * before anything runs.
 */
export class InProcessDataSource implements GraphQLDataSource<EdgeContext> {
  private readonly documents = new Map<string, DocumentNode>();

  constructor(private readonly options: InProcessDataSourceOptions) {}

  async process({ request, context }: GraphQLDataSourceProcessOptions<EdgeContext>): Promise<GatewayGraphQLResponse> {
    let call;
    try {
      call = await this.options.verify(context as Partial<EdgeContext>);
    } catch (error) {
      return { errors: [maskError({ message: (error as Error).message, extensions: (error as { extensions?: Record<string, unknown> }).extensions ?? {} }, error, this.options.mask)] };
    }
    const schema = await this.options.schema();
    const prepared = this.document(schema, request.query ?? '');
    if ('refusal' in prepared) return prepared.refusal;
    const document = prepared.document;
    const contextValue: SubgraphContext = { principal: call.principal, requestId: call.requestId, clientAddress: call.clientAddress, provenCallers: call.provenCallers ?? [], causedBy: call.causedBy ?? [] };
    const result = await execute({
      schema,
      document,
      variableValues: request.variables ?? null,
      operationName: request.operationName ?? null,
      contextValue,
    });
    const extensions = await proofExtensions(this.options.proofs, callersProvenDuring(contextValue));
    return {
      ...(extensions ? { extensions } : {}),
      ...(result.data === undefined ? {} : { data: result.data }),
      ...(result.errors ? { errors: result.errors.map((error) => maskError(error.toJSON(), error.originalError ?? error, this.options.mask)) } : {}),
    };
  }

  private document(schema: GraphQLSchema, query: string): { document: DocumentNode } | { refusal: GatewayGraphQLResponse } {
    const cached = this.documents.get(query);
    if (cached) return { document: cached };
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      return { refusal: { errors: [{ message: (error as Error).message, extensions: { code: 'VALIDATION_ERROR' } }] } };
    }
    const problems = validate(schema, document);
    if (problems.length > 0) {
      return { refusal: { errors: problems.map((problem) => ({ message: problem.message, extensions: { code: 'VALIDATION_ERROR' } })) } };
    }
    if (this.documents.size >= (this.options.documentCacheSize ?? 1000)) this.documents.clear();
    this.documents.set(query, document);
    return { document };
  }
}
