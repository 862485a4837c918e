import { GraphQLError, type FloatValueNode, type IntValueNode, type ValidationRule } from 'graphql';
import { unsafeStringProblem } from '../../core/http/unsafe-strings.ts';

/**
 * String literals in an operation obey the same rule as JSON input (see
 * json-input.ts): no NUL, no lone surrogate. A validation error, so 400.
 */
export const safeStringLiteralsRule: ValidationRule = (context) => ({
  StringValue(node) {
    const problem = unsafeStringProblem(node.value);
    if (problem) context.reportError(new GraphQLError(`A string literal ${problem}`, { nodes: [node] }));
  },
});

/**
 * Number literals a double can hold. `1e999` parses as Infinity, which graphql-js'
 * Float and every JSON scalar pass on, and which no JSON answer, Postgres JSON
 * column or upstream body can carry; refused where it is written, as JSON input is.
 */
export const finiteNumberLiteralsRule: ValidationRule = (context) => {
  const check = (node: IntValueNode | FloatValueNode): void => {
    if (!Number.isFinite(Number(node.value))) context.reportError(new GraphQLError(`The number literal ${node.value.slice(0, 40)} is out of range`, { nodes: [node] }));
  };
  return { IntValue: check, FloatValue: check };
};
