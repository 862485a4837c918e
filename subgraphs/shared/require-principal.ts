import { unauthenticated } from '../../core/errors/errors.ts';
import type { SubgraphContext } from '../../core/identity/subgraph-context.ts';
import type { Principal } from '../../core/identity/principal.ts';

/** Shield has already refused anonymous calls; this narrows the type and guards a missing rule. */
export function requirePrincipal(context: SubgraphContext): Principal {
  if (!context.principal) throw unauthenticated();
  return context.principal;
}
