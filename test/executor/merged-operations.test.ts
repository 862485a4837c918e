import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { mergeVariables, operationMerger, splitAnswer } from '../../gateway/executor/merged-operations.ts';

const ENTITIES = 'query Q__reviews__1($representations:[_Any!]!){_entities(representations:$representations){...on Product{reviews{...R}}}} fragment R on Review{id body}';
const ROOT = 'query Q__reviews__2{topReviews:reviews(first:2){...R}} fragment R on Review{id}';

describe('merging subgraph queries into one', () => {
  const merge = operationMerger();

  it('prefixes root fields, variables and fragments so two queries cannot collide', () => {
    const merged = merge([ENTITIES, ROOT])!;
    const document = parse(merged.query);
    expect(document.definitions).toHaveLength(3);
    expect(merged.query).toContain('_0__entities: _entities(representations: $_0_representations)');
    expect(merged.query).toContain('_1_topReviews: reviews(first: 2)');
    expect(merged.query).toContain('fragment _0_R on Review');
    expect(merged.query).toContain('fragment _1_R on Review');
    expect(merged.operationName).toBe('Q__reviews__1');
    expect(mergeVariables([{ representations: [1] }, undefined])).toEqual({ _0_representations: [1] });
    // The same texts again come from the memo.
    expect(merge([ENTITIES, ROOT])).toBe(merged);
  });

  it('refuses what it cannot merge safely: mutations, several operations, fragments at the root, broken text', () => {
    expect(merge([ENTITIES, 'mutation { a }'])).toBeNull();
    expect(merge([ENTITIES, 'query A { a } query B { b }'])).toBeNull();
    expect(merge([ENTITIES, '{ ...F } fragment F on Query { a }'])).toBeNull();
    expect(merge([ENTITIES, '{ a '])).toBeNull();
  });

  it("gives each query its own data and its own errors; an error of the whole request goes to all", () => {
    const parts = splitAnswer(
      {
        data: { _0__entities: [{ id: 1 }], _1_topReviews: null },
        errors: [
          { message: 'one review failed', path: ['_1_topReviews', 0, 'body'] },
          { message: 'the subgraph gave up' },
        ],
      },
      2,
    );
    expect(parts[0]).toEqual({ data: { _entities: [{ id: 1 }] }, errors: [{ message: 'the subgraph gave up' }] });
    expect(parts[1]).toEqual({
      data: { topReviews: null },
      errors: [{ message: 'one review failed', path: ['topReviews', 0, 'body'] }, { message: 'the subgraph gave up' }],
    });
    expect(splitAnswer({ data: null, errors: [{ message: 'x' }] }, 2)).toEqual([
      { data: null, errors: [{ message: 'x' }] },
      { data: null, errors: [{ message: 'x' }] },
    ]);
  });
});
