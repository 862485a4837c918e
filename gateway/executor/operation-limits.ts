import { GraphQLError, type ASTVisitor, type ValidationContext, type ValidationRule } from 'graphql';
import { contractError } from '../../core/errors/errors.ts';
import { measureDocument, type OperationMeasure } from './operation-measure.ts';

/** Operations larger than these are refused before planning (abuse guards). */
export interface OperationLimits {
  readonly maxDepth: number;
  readonly maxAliases: number;
  readonly maxTokens: number;
  /** Fields selected with fragment spreads expanded (GRAPHQL_MAX_FIELDS). */
  readonly maxFields: number;
  /** Schema introspection allowed (GRAPHQL_INTROSPECTION; off in production by default). */
  readonly introspection: boolean;
  /** "Did you mean …" in validation errors (GRAPHQL_SUGGESTIONS; off in production by default). */
  readonly suggestions: boolean;
}

type MeasuredLimit = 'maxDepth' | 'maxAliases' | 'maxFields';

/** Each limit on a measured operation, with the refusal it gives. Token count is capped at parse time. */
const LIMIT_CHECKS: ReadonlyArray<{ readonly limit: MeasuredLimit; readonly measured: (m: OperationMeasure) => number; readonly refusal: (value: number, max: number) => string }> = [
  { limit: 'maxDepth', measured: (m) => m.depth, refusal: (value, max) => `Operation depth ${value} exceeds the limit of ${max}` },
  { limit: 'maxAliases', measured: (m) => m.aliases, refusal: (_value, max) => `Operation uses more than ${max} aliases` },
  { limit: 'maxFields', measured: (m) => m.fields, refusal: (_value, max) => `Operation selects more than ${max} fields` },
];

/**
 * Validation rules that refuse operations too deep, with too many aliases or too
 * many fields (fragment spreads expanded) before the planner sees them. The
 * document is measured once, each fragment once (`measureDocument`), so the check
 * stays linear in the document whatever its fragments multiply to.
 */
export function operationLimitRules(limits: Pick<OperationLimits, MeasuredLimit>): ValidationRule[] {
  const rule = (context: ValidationContext): ASTVisitor => {
    const measures = measureDocument(context.getDocument());
    return {
      OperationDefinition(operation) {
        const measure = measures.get(operation);
        if (!measure) return;
        for (const check of LIMIT_CHECKS) {
          const value = check.measured(measure);
          if (value > limits[check.limit]) context.reportError(tooLarge(check.refusal(value, limits[check.limit])));
        }
      },
    };
  };
  return [rule];
}

function tooLarge(message: string): GraphQLError {
  return contractError('VALIDATION_ERROR', message);
}
