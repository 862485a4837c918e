import { parse, Kind, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import type { ActionOutcome, ActionRunner } from '../../core/automations/run-types.ts';
import type { InternalCall } from '../../core/identity/internal-token.ts';
import { mutationVariables } from '../../core/supergraph/mutation-check.ts';
import type { PrismaClient } from '../../prisma/generated/client.ts';
import { edgeContext } from '../executor/edge-context.ts';
import type { ExecuteOperation } from '../executor/execute-operation.ts';
import type { RateLimitStep } from '../http/rate-limit-step.ts';
import { credentialKeys, redactCredentials } from './redact-credentials.ts';
import { runPrincipal } from './run-principal.ts';

export interface MutationActionOptions {
  readonly prisma: Pick<PrismaClient, 'user' | 'apiKey'>;
  /** The gateway's own executor: the same plan, subgraphs and shield as /graphql. */
  readonly execute: ExecuteOperation;
  /** Signs the internal token of the run's subgraph fetches. */
  readonly sign: (call: InternalCall) => Promise<string>;
  /** Counts the run against its owner's rate limit, as a request of theirs. */
  readonly rateLimit: RateLimitStep;
}

/** Failures that may pass: a dependency down, a limit reached, the unexpected. Anything else is the action's own mistake. */
const RETRYABLE_CODES = new Set(['SERVICE_UNAVAILABLE', 'RATE_LIMIT_EXCEEDED', 'INTERNAL_ERROR']);

/**
 * The mutation action: runs the automation's mutation through the gateway's executor
 * as its owner (or the API key that set it up: run-principal.ts), with the tier and
 * scopes of now, not of when the automation was made, counted against that rate limit. The internal token
 * carries the causation chain plus this automation, so every event the mutation
 * causes is stamped with it and the loop guard can refuse a run it would trigger.
 */
export function mutationAction(options: MutationActionOptions): ActionRunner {
  return async (run) => {
    if (run.action.kind !== 'mutation') throw new Error('mutationAction runs mutation actions only');
    const acting = await runPrincipal(options.prisma, run);
    if (acting.kind === 'refused') return { kind: 'failed', error: acting.error };
    const { principal } = acting;
    const verdict = await options.rateLimit(principal, 'automation');
    if (verdict.refusal) {
      const retryAfterSeconds = Number(verdict.refusal.extensions['retryAfterSeconds']);
      return { kind: 'retry', error: verdict.refusal.message, retryAfterMs: Number.isFinite(retryAfterSeconds) ? retryAfterSeconds * 1000 : null };
    }
    const document = parse(run.action.document);
    const variables = mutationVariables(declaredVariables(document), run.action.variables, run.input);
    const context = edgeContext(principal, `auto_${run.id}_${run.attemptNumber}`, 'automation', options.sign, undefined, null, [...run.causedBy, run.automationId]);
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
