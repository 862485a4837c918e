import { z } from 'zod';
import { validInput } from '../../core/errors/validate-input.ts';
import type { SubgraphContext } from '../../core/identity/subgraph-context.ts';
import type { RefreshSessions } from './refresh-sessions.ts';
import type { MfaFactors } from './mfa-factors.ts';
import { proveSignedIn, tokensPayload } from './session-payload.ts';

type RefreshMutations = Record<'refreshToken', (root: unknown, args: unknown, context: SubgraphContext) => Promise<unknown>>;

/** `refreshToken`: rotation with reuse detection (see refresh-sessions.ts). */
export function refreshMutations(sessions: RefreshSessions, factors: MfaFactors): RefreshMutations {
  return {
    refreshToken: async (_root, args, context) => {
      const input = validInput(z.object({ refreshToken: z.string().min(1, 'is required').max(512) }), args);
      const rotated = await sessions.rotate(input.refreshToken, context.principal?.userId ?? null);
      const { user } = rotated;
      const enrolmentOwed = await factors.enrolmentOwed(user);
      proveSignedIn(context, user, enrolmentOwed);
      return tokensPayload(rotated, user, enrolmentOwed);
    },
  };
}
