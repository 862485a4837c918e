import { GraphQLError, type ValidationRule } from 'graphql';
import { unsafeStringProblem } from '../../core/http/unsafe-strings.ts';

/**
 * String literals in an operation obey the same rule as JSON input (see
 * unsafe-strings.ts): no NUL, no lone surrogate. A validation error, so 400.
 */
export const safeStringLiteralsRule: ValidationRule = (context) => ({
  StringValue(node) {
    const problem = unsafeStringProblem(node.value);
    if (problem) context.reportError(new GraphQLError(`A string literal ${problem}`, { nodes: [node] }));
  },
});
