import { serviceUnavailable } from '../../core/errors/errors.ts';
import type { ModuleUpstreams } from '../module/module-upstreams.ts';
import type { SubgraphContext } from '../../core/identity/subgraph-context.ts';
import type { UpstreamRequest, UpstreamResponse } from './upstream/index.ts';
import { upstreamStatusError } from '../../core/errors/upstream-errors.ts';

/** A call as a resolver describes it; who calls and the request id come from the context. */
export type UpstreamCall = Omit<UpstreamRequest, 'principal' | 'requestId'>;

export interface UpstreamCaller {
  configured(): boolean;
  /** Any status comes back; only unreachable, timed-out or circuit-open upstreams throw. */
  raw(request: UpstreamCall, context: SubgraphContext): Promise<UpstreamResponse>;
  /** The body of a 2xx answer; any other status becomes the contract error closest to it. */
  json(request: UpstreamCall, context: SubgraphContext): Promise<unknown>;
}

/**
 * How module and /v1 subgraphs reach their upstream by name: an unconfigured
 * upstream is SERVICE_UNAVAILABLE, and every call is counted for /health/detailed.
 * `subject` names the upstream in errors ("Module 'code-sandbox'").
 */
export function upstreamCaller(upstreams: ModuleUpstreams, name: string, subject: string): UpstreamCaller {
  const unconfigured = () => serviceUnavailable(`${subject} has no upstream configured`);
  const raw = async (request: UpstreamCall, context: SubgraphContext): Promise<UpstreamResponse> => {
    const client = upstreams.clientFor(name);
    if (!client) throw unconfigured();
    try {
      const response = await client.request({ ...request, principal: context.principal, requestId: context.requestId });
      upstreams.recordUse(name, response.status);
      return response;
    } catch (error) {
      upstreams.recordUse(name, null);
      throw error;
    }
  };
  return {
    configured: () => upstreams.clientFor(name) !== undefined,
    raw,
    async json(request, context) {
      const response = await raw(request, context);
      if (response.status >= 400) throw upstreamStatusError(subject, response.status, response.body);
      return response.body ?? null;
    },
  };
}
