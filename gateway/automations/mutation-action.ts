import { parse, Kind, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import type { ActionOutcome, ActionRunner } from '../../core/automations/run-types.ts';
import type { InternalCall } from '../../core/identity/internal-token.ts';
import type { Principal } from '../../core/identity/principal.ts';
import { mutationVariables } from '../../core/supergraph/mutation-check.ts';
import { isScope } from '../../schema/scopes.ts';
import type { PrismaClient } from '../../prisma/generated/client.ts';
import { edgeContext } from '../executor/edge-context.ts';
import type { ExecuteOperation } from '../executor/execute-operation.ts';
import type { RateLimitStep } from '../http/rate-limit-step.ts';
import { credentialKeys, redactCredentials } from './redact-credentials.ts';

export interface MutationActionOptions {
  readonly prisma: Pick<PrismaClient, 'user'>;
  /** The gateway's own executor: the same plan, subgraphs and shield as /graphql. */
  readonly execute: ExecuteOperation;
  /** Signs the internal token of the run's subgraph fetches. */
  readonly sign: (call: InternalCall) => Promise<string>;
  /** Counts the run against its owner's rate limit, as a request of theirs. */
  readonly rateLimit: RateLimitStep;
}

/** Failures that may pass: a dependency down, a limit reached, the unexpected. Anything else is the action's own mistake. */
const RETRYABLE_CODES = new Set(['SERVICE_UNAVAILABLE', 'RATE_LIMIT_EXCEEDED', 'INTERNAL_ERROR']);
/** Automations never pass a second factor: fields that demand one refuse them. */
const RUN_TOKEN_TTL_SECONDS = 300;

/**
 * The mutation action: runs the automation's mutation through the gateway's executor
 * as its owner, with the owner's current tier and scopes (read now, not when the
 * automation was made), counted against their rate limit. The internal token
 * carries the causation chain plus this automation, so every event the mutation
 * causes is stamped with it and the loop guard can refuse a run it would trigger.
 */
export function mutationAction(options: MutationActionOptions): ActionRunner {
  return async (run) => {
    if (run.action.kind !== 'mutation') throw new Error('mutationAction runs mutation actions only');
    const owner = await options.prisma.user.findUnique({ where: { id: run.ownerId }, select: { id: true, tier: true, scopes: true } });
    if (!owner) return { kind: 'failed', error: 'the owner no longer exists' };
    const principal: Principal = {
      kind: 'user',
      userId: owner.id,
      tier: owner.tier,
      scopes: owner.scopes.filter(isScope),
      tokenId: `automation-run:${run.id}`,
      expiresAt: Math.floor(Date.now() / 1000) + RUN_TOKEN_TTL_SECONDS,
      mfaVerified: false,
      mfaRequired: true,
    };
    const verdict = await options.rateLimit(principal, 'automation');
    if (verdict.refusal) {
      const retryAfterSeconds = Number(verdict.refusal.extensions['retryAfterSeconds']);
      return { kind: 'retry', error: verdict.refusal.message, retryAfterMs: Number.isFinite(retryAfterSeconds) ? retryAfterSeconds * 1000 : null };
    }
    const document = parse(run.action.document);
    const variables = mutationVariables(declaredVariables(document), run.action.variables, run.input);
    const context = edgeContext(principal, `auto_${run.id}_${run.attemptNumber}`, 'automation', options.sign, undefined, [...run.causedBy, run.automationId]);
    const result = await options.execute(run.action.document, variables, context);
    return outcomeOf(result.data === null ? null : redactCredentials(result.data, credentialKeys(document)), result.errors);
  };
}

function outcomeOf(output: unknown, errors: readonly { message: string; extensions?: Record<string, unknown> }[]): ActionOutcome {
  if (errors.length === 0) return { kind: 'succeeded', output };
  const codes = errors.map((error) => String(error.extensions?.['code'] ?? 'INTERNAL_ERROR'));
  const error = errors.map((entry, index) => `${codes[index]}: ${entry.message}`).join('; ');
  return codes.every((code) => RETRYABLE_CODES.has(code)) ? { kind: 'retry', error, output } : { kind: 'failed', error, output };
}

function declaredVariables(document: DocumentNode): string[] {
  const operation = document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  return (operation?.variableDefinitions ?? []).map((definition) => definition.variable.name.value);
}
