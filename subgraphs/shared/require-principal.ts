import { unauthenticated } from '../../schema/errors.ts';
import type { SubgraphContext } from './context.ts';
import type { Principal } from './principal.ts';

/** Shield has already refused anonymous calls; this narrows the type and guards a missing rule. */
export function requirePrincipal(context: SubgraphContext): Principal {
  if (!context.principal) throw unauthenticated();
  return context.principal;
}
