import { GraphQLError, Lexer, TokenKind, type ASTVisitor, type ValidationContext, type ValidationRule } from 'graphql';
import { contractError } from '../../core/errors/errors.ts';
import { measureDocument, type OperationMeasure } from './operation-measure.ts';

/** Operations larger than these are refused before planning (abuse guards). */
export interface OperationLimits {
  readonly maxDepth: number;
  readonly maxAliases: number;
  readonly maxTokens: number;
  /** Fields selected with fragment spreads expanded (GRAPHQL_MAX_FIELDS). */
  readonly maxFields: number;
  /** How deep objects and arrays may nest in a JSON body or in variables (JSON_MAX_DEPTH). */
  readonly maxJsonDepth: number;
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
/**
 * How many times GRAPHQL_MAX_TOKENS the parser itself allows: the edge's own
 * documents (a bulk batch) may be that large; every other document is held to
 * GRAPHQL_MAX_TOKENS by the rule below. Kept small: graphql-js' NoFragmentCycles
 * rule runs in the same validation pass and overflows the stack at about 4,000
 * chained fragments (bench/README.md, operation limits), which 15,000 tokens
 * cannot reach.
 */
export const EDGE_TOKEN_HEADROOM = 3;

function tokenCount(context: ValidationContext, max: number): number {
  const source = context.getDocument().loc?.source;
  if (!source) return 0;
  const lexer = new Lexer(source);
  let count = 0;
  while (lexer.advance().kind !== TokenKind.EOF && count <= max) count += 1;
  return count;
}

export function operationLimitRules(limits: Pick<OperationLimits, MeasuredLimit | 'maxTokens'>, exempt: (source: string) => boolean = () => false): ValidationRule[] {
  const rule = (context: ValidationContext): ASTVisitor => {
    const source = context.getDocument().loc?.source.body;
    if (source !== undefined && exempt(source)) return {};
    // Validated documents are cached by their text, so this count runs once per distinct document.
    if (tokenCount(context, limits.maxTokens) > limits.maxTokens) {
      context.reportError(tooLarge(`Document contains more than ${limits.maxTokens} tokens`));
      return {};
    }
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
