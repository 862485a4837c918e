import { describe, expect, it } from 'vitest';
import { contractCodeOf } from '../../core/errors/errors.ts';
import { findJsonInputProblem } from '../../core/http/json-input.ts';

const nested = (levels: number, leaf: unknown = 1): unknown => {
  let value = leaf;
  for (let level = 0; level < levels; level += 1) value = level % 2 === 0 ? [value] : { a: value };
  return value;
};

describe('JSON input checks', () => {
  it('takes values up to the depth limit and refuses one level more, naming JSON_MAX_DEPTH', () => {
    expect(findJsonInputProblem(nested(64), 64)).toBeNull();
    const refused = findJsonInputProblem(nested(65), 64);
    expect(refused && contractCodeOf(refused)).toBe('VALIDATION_ERROR');
    expect(refused?.message).toMatch(/deeper than 64 levels \(JSON_MAX_DEPTH\)/);
  });

  it('refuses a value nested 200,000 levels deep without overflowing the stack', () => {
    const deep = JSON.parse(`${'['.repeat(200_000)}${']'.repeat(200_000)}`) as unknown;
    expect(findJsonInputProblem(deep, 64)?.message).toMatch(/JSON_MAX_DEPTH/);
    expect(findJsonInputProblem(nested(200_000), 64)?.message).toMatch(/JSON_MAX_DEPTH/);
  });

  it('refuses numbers JSON cannot carry, naming where they are', () => {
    expect(findJsonInputProblem(JSON.parse('{"body":{"n":1e999}}'), 64, ['variables'])?.message).toBe("Field 'variables.body.n' is a number JSON cannot represent (out of range)");
    expect(findJsonInputProblem([-Infinity], 64)?.message).toMatch(/'0' is a number JSON cannot represent/);
    expect(findJsonInputProblem({ n: 1.7976931348623157e308, m: -0 }, 64)).toBeNull();
  });

  it('refuses NUL and lone surrogates in values and names, reporting the first in document order', () => {
    expect(findJsonInputProblem({ a: 'fine', b: ['x', 'a\u0000b'], c: '\ud800' }, 64)?.message).toBe("Field 'b.1' contains a NUL character");
    expect(findJsonInputProblem({ ['k\u0000']: 1 }, 64)?.message).toMatch(/A field name contains a NUL/);
  });
});
