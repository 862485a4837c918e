import { STATUS_CODES } from 'node:http';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import type { Dispatcher } from 'undici';
import { INTERNAL_TOKEN_HEADER } from '../../core/identity/internal-token.ts';
import { REQUEST_ID_HEADER } from '../../core/http/request-id.ts';
import type { EdgeContext } from './edge-context.ts';
import { InFlightRequests } from './in-flight-requests.ts';
import { mergeVariables, operationMerger, splitAnswer } from './merged-operations.ts';
import { classifyFailure, dependencyUnavailable } from '../../core/errors/failure-class.ts';

type GatewayGraphQLResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

export interface PooledRemoteDataSourceOptions {
  readonly url: string;
  /** The subgraph's name, for the error when it cannot be reached. @default its URL's host is never shown; 'subgraph' */
  readonly name?: string;
  /** Keep-alive connection pool shared by every remote subgraph (undici Agent). */
  readonly dispatcher: Dispatcher;
  /**
   * Identical fetches (same subgraph operation, variables and caller) made by
   * queries while one is in flight share its answer. Off for subgraphs whose
   * reads have side effects or depend on more than the caller's identity.
   * @default true
   */
  readonly deduplicate?: boolean;
  /**
   * Requests whose (level-scheduled) plan sends several fetches to one subgraph at
   * once: their fetches made in one turn of the event loop go as one merged query.
   */
  readonly batchedRequests?: WeakSet<object>;
}

interface QueuedFetch {
  readonly request: GraphQLDataSourceProcessOptions<EdgeContext>['request'];
  resolve(answer: GatewayGraphQLResponse): void;
  reject(error: unknown): void;
}

interface RawAnswer {
  readonly status: number;
  readonly text: string;
}

function isGraphQLResponse(value: unknown): value is GatewayGraphQLResponse {
  return value !== null && typeof value === 'object' && Array.isArray((value as { errors?: unknown }).errors);
}

/**
 * Who a fetch is made for, as the subgraph would see it: the whole principal (a
 * user's tier, scopes and token), or the address of an anonymous caller.
 */
function callerKey(edge: Partial<EdgeContext>): string {
  return edge.principal ? JSON.stringify(edge.principal) : `anonymous@${edge.clientAddress ?? ''}`;
}

/**
 * A subgraph in its own process, called over a keep-alive pool. Apollo's own
 * RemoteGraphQLDataSource goes through make-fetch-happen, whose per-request work
 * (request objects, agent lookup by stack trace, stream plumbing) was the largest
 * slice of the gateway's CPU profile under the benchmark.
 */
export class PooledRemoteDataSource implements GraphQLDataSource<EdgeContext> {
  private readonly origin: string;
  private readonly path: string;
  private readonly inFlight = new InFlightRequests<RawAnswer>();
  private readonly merge = operationMerger();
  /** Fetches waiting for the end of this turn, per request. */
  private readonly queued = new WeakMap<object, QueuedFetch[]>();

  constructor(private readonly options: PooledRemoteDataSourceOptions) {
    const url = new URL(options.url);
    this.origin = url.origin;
    this.path = `${url.pathname}${url.search}`;
  }

  async process(options: GraphQLDataSourceProcessOptions<EdgeContext>): Promise<GatewayGraphQLResponse> {
    const { request } = options;
    if (!request.query) throw new Error('Missing query');
    const edge = options.context as Partial<EdgeContext>;
    const isQuery = options.kind === 'incoming operation' && options.incomingRequestContext.operation?.operation === 'query';
    const batching = isQuery && !request.http?.headers?.keys().next().value && this.options.batchedRequests?.has(options.context);
    if (!batching) return this.fetch(request, edge, isQuery);
    return new Promise<GatewayGraphQLResponse>((resolve, reject) => {
      let queue = this.queued.get(options.context);
      if (!queue) {
        const fresh: QueuedFetch[] = [];
        this.queued.set(options.context, (queue = fresh));
        // After every fetch the level starts in this turn has been made.
        setImmediate(() => {
          this.queued.delete(options.context);
          this.flush(fresh, edge).catch((error: unknown) => {
            for (const fetch of fresh) fetch.reject(error);
          });
        });
      }
      queue.push({ request, resolve, reject });
    });
  }

  /** One fetch as it came; identical ones in flight for the same caller share an answer. */
  private async fetch(request: QueuedFetch['request'], edge: Partial<EdgeContext>, isQuery: boolean): Promise<GatewayGraphQLResponse> {
    const body = JSON.stringify({ query: request.query, variables: request.variables, operationName: request.operationName, extensions: request.extensions });
    // Headers Apollo's executor asks for (the trace request when usage reporting is on) go along.
    const extraHeaders = request.http?.headers ? Object.fromEntries(request.http.headers) : {};
    const send = async () => this.send(body, edge, extraHeaders);
    const answer = (this.options.deduplicate ?? true) && isQuery ? await this.inFlight.run(`${callerKey(edge)}\n${body}`, send) : await send();
    return this.parse(answer);
  }

  private async flush(queue: readonly QueuedFetch[], edge: Partial<EdgeContext>): Promise<void> {
    const merged = queue.length > 1 ? this.merge(queue.map((fetch) => fetch.request.query ?? '')) : null;
    if (!merged) {
      await Promise.all(queue.map((fetch) => this.fetch(fetch.request, edge, true).then(fetch.resolve, fetch.reject)));
      return;
    }
    const variables = mergeVariables(queue.map((fetch) => fetch.request.variables));
    const answer = await this.fetch({ query: merged.query, variables, ...(merged.operationName ? { operationName: merged.operationName } : {}) }, edge, true);
    splitAnswer(answer, queue.length).forEach((part, index) => queue[index]!.resolve(part as GatewayGraphQLResponse));
  }

  /** How many fetches joined one already in flight (for the benchmark's report and tests). */
  deduplicatedCount(): number {
    return this.inFlight.sharedCount();
  }

  private async send(body: string, edge: Partial<EdgeContext>, extraHeaders: Record<string, string>): Promise<RawAnswer> {
    const headers: Record<string, string> = { ...extraHeaders, 'content-type': 'application/json', accept: 'application/json' };
    if (edge.internalToken) headers[INTERNAL_TOKEN_HEADER] = await edge.internalToken();
    if (edge.requestId) headers[REQUEST_ID_HEADER] = edge.requestId;
    try {
      const response = await this.options.dispatcher.request({ origin: this.origin, path: this.path, method: 'POST', headers, body });
      return { status: response.statusCode, text: await response.body.text() };
    } catch (error) {
      // Refused, reset or timed out: the subgraph is down, named but never by its address.
      const failure = classifyFailure(error);
      if (failure.kind === 'dependency-unavailable') throw this.unavailable(failure.reason);
      throw error;
    }
  }

  private unavailable(reason: string): GraphQLError {
    const name = this.options.name ?? 'subgraph';
    return dependencyUnavailable(name, reason, `Subgraph '${name}'`);
  }

  /** As RemoteGraphQLDataSource does: a non-2xx status is an error carrying the answer. */
  private parse({ status, text }: RawAnswer): GatewayGraphQLResponse {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    // A subgraph's own GraphQL errors (its database down: 503 SERVICE_UNAVAILABLE) keep their codes.
    if (status >= 400 && isGraphQLResponse(parsed)) return parsed;
    if (status === 502 || status === 503 || status === 504) throw this.unavailable('unavailable');
    if (status < 200 || status > 299) {
      throw new GraphQLError(`${status}: ${STATUS_CODES[status] ?? ''}`, {
        extensions: {
          response: { url: this.options.url, status, statusText: STATUS_CODES[status] ?? '', body: parsed ?? text },
          ...(status === 401 ? { code: 'UNAUTHENTICATED' } : status === 403 ? { code: 'FORBIDDEN' } : {}),
        },
      });
    }
    if (parsed === null || typeof parsed !== 'object') throw new Error(`Expected JSON response body, but received: ${text.slice(0, 200)}`);
    return parsed as GatewayGraphQLResponse;
  }
}
