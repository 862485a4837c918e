import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CredentialLimit } from '../identity/credential-limit.ts';
import type { Principal } from '../identity/principal.ts';

/**
 * What execution learns about a request that the edge reports once it is over
 * (the usage record, metrics, the log line). Written by the executor, read at the end.
 */
export interface RequestNotes {
  /** The operation that ran (the first one, when a REST call runs several). */
  operationName: string | null;
  /** The module (or /v1 service) subgraph the query plan reached, if any. */
  module: string | null;
}

/** One HTTP request on its way through the edge: what the plugins and the route share. */
export interface Exchange {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly url: URL;
  /** Set by the request-id plugin before anything else runs. */
  requestId: string;
  principal: Principal | null;
  /** Set with the principal when its credential may run a few operations only (see credential-limit.ts). */
  limit: CredentialLimit | null;
  /** `METHOD /pattern`: the route that answered, named by its pattern so metrics stay bounded. */
  route: string | null;
  /** True once identity and the rate limit ran: a client API call, so its usage is recorded. */
  counted: boolean;
  /** The most a route reads of this request's body; 0 (read nothing) until the body-limit plugin sets it. */
  bodyLimitBytes: number;
  /** How deep JSON in this request's body may nest; set with `bodyLimitBytes`. */
  jsonMaxDepth: number;
  readonly notes: RequestNotes;
}

export type Route = (exchange: Exchange) => Promise<void>;
export type RouteMethods = Partial<Record<string, Route>>;
export type RouteTable = Readonly<Record<string, RouteMethods>>;

/** Finds the methods a path answers, or undefined when it is not this router's. */
export interface Router {
  match(pathname: string): RouteMethods | undefined;
}

export function newExchange(request: IncomingMessage, response: ServerResponse, url: URL): Exchange {
  return {
    request,
    response,
    url,
    requestId: '',
    principal: null,
    limit: null,
    route: null,
    counted: false,
    bodyLimitBytes: 0,
    jsonMaxDepth: 0,
    notes: { operationName: null, module: null },
  };
}
