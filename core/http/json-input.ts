import type { GraphQLError } from 'graphql';
import { validationError } from '../errors/errors.ts';
import { unsafeStringProblem } from './unsafe-strings.ts';

/** One value still to look at, and how it was reached (kept as links, so paths are built only for a refusal). */
interface Pending {
  readonly value: unknown;
  readonly depth: number;
  readonly parent: Pending | null;
  readonly key: string;
}

function pathOf(at: Pending | null, prefix: readonly string[]): string {
  const keys: string[] = [];
  for (let node = at; node?.parent; node = node.parent) keys.push(node.key);
  return [...prefix, ...keys.reverse()].join('.');
}

/**
 * The first thing in a parsed JSON value that input must not carry, as a refusal
 * naming where it is: nesting deeper than `maxDepth` (graphql-js coerces input
 * recursively, so a value nested 200,000 levels deep would overflow the stack),
 * a number JSON cannot carry (`1e999` parses as Infinity), a NUL or a lone
 * surrogate (see unsafe-strings.ts). Walked with an explicit stack, never
 * recursion: the check must hold for exactly the values that would break a
 * recursive walk. Depth counts objects and arrays from the outermost value.
 */
export function findJsonInputProblem(value: unknown, maxDepth: number, prefix: readonly string[] = []): GraphQLError | null {
  const stack: Pending[] = [{ value, depth: 0, parent: null, key: '' }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const current = next.value;
    if (typeof current === 'string') {
      const problem = unsafeStringProblem(current);
      if (!problem) continue;
      const field = pathOf(next, prefix);
      return validationError(field ? `Field '${field}' ${problem}` : `A value ${problem}`, field || undefined);
    }
    if (typeof current === 'number') {
      if (Number.isFinite(current)) continue;
      const field = pathOf(next, prefix);
      return validationError(`${field ? `Field '${field}'` : 'A value'} is a number JSON cannot represent (out of range)`, field || undefined);
    }
    if (current === null || typeof current !== 'object') continue;
    const depth = next.depth + 1;
    if (depth > maxDepth) {
      const field = pathOf(next, prefix);
      return validationError(`JSON input is nested deeper than ${maxDepth} levels (JSON_MAX_DEPTH)${field ? ` at '${field}'` : ''}`, field || undefined);
    }
    const entries: Array<[string | number, unknown]> = Array.isArray(current) ? [...current.entries()] : Object.entries(current);
    // Pushed last to first, so problems are found in document order.
    for (let index = entries.length - 1; index >= 0; index -= 1) {
      const [key, child] = entries[index]!;
      const name = String(key);
      const keyProblem = unsafeStringProblem(name);
      if (keyProblem) return validationError(`A field name ${keyProblem}`, pathOf(next, prefix) || undefined);
      stack.push({ value: child, depth, parent: next, key: name });
    }
  }
  return null;
}

/** Throws the refusal `findJsonInputProblem` finds. */
export function assertJsonInput(value: unknown, maxDepth: number, prefix: readonly string[] = []): void {
  const refusal = findJsonInputProblem(value, maxDepth, prefix);
  if (refusal) throw refusal;
}
