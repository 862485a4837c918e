import type { CredentialLimit } from '../../core/identity/credential-limit.ts';
import type { InternalCall } from '../../core/identity/internal-token.ts';
import type { Principal } from '../../core/identity/principal.ts';

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

export const freshNotes = (): RequestNotes => ({ operationName: null, module: null });

/** Per-request state of the edge, handed to Apollo as its context value. */
export interface EdgeContext {
  readonly principal: Principal | null;
  /** The operations the principal's credential is limited to, if it is (checked before planning). */
  readonly limit: CredentialLimit | null;
  readonly requestId: string;
  readonly clientAddress: string;
  /** Signed once per request, on first use, and reused for every subgraph fetch. */
  readonly internalToken: () => Promise<string>;
  readonly notes: RequestNotes;
  /** Set when an automation runs this operation: subgraphs stamp the events it causes with the chain. */
  readonly causedBy?: readonly string[];
}

export function edgeContext(
  principal: Principal | null,
  requestId: string,
  clientAddress: string,
  sign: (call: InternalCall) => Promise<string>,
  notes: RequestNotes = freshNotes(),
  limit: CredentialLimit | null = null,
  causedBy: readonly string[] = [],
): EdgeContext {
  let token: Promise<string> | undefined;
  return {
    principal,
    limit,
    requestId,
    clientAddress,
    internalToken: () => (token ??= sign({ principal, requestId, clientAddress, ...(causedBy.length > 0 ? { causedBy } : {}) })),
    notes,
    ...(causedBy.length > 0 ? { causedBy } : {}),
  };
}
