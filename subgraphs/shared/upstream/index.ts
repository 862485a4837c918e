/** Calling the upstream services behind module and AIVillage subgraphs (CONTRACT.md section 5). */
export {
  upstreamClient,
  type UpstreamClient,
  type UpstreamClientOptions,
  type UpstreamProbe,
  type UpstreamRequest,
  type UpstreamResponse,
} from './upstream-client.ts';
export {
  circuitBreaker,
  type BreakerPermit,
  type BreakerState,
  type CircuitBreaker,
  type CircuitBreakerOptions,
} from '../../../core/upstream/circuit-breaker.ts';
export {
  PRINCIPAL_ASSERTION_ALGORITHM,
  PRINCIPAL_ASSERTION_ISSUER,
  type PrincipalAssertionClaims,
} from '../../../core/upstream/principal-assertion.ts';
export { PRINCIPAL_HEADER, REQUEST_ID_HEADER } from '../../../core/upstream/forwarded-headers.ts';
export type { HttpMethod } from '../../../core/upstream/retry-policy.ts';
export type { QueryParams } from './upstream-target.ts';
export type { UpstreamFailureReason } from './upstream-failures.ts';
