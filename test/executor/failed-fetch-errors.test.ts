import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { describe, expect, it } from 'vitest';
import { dependencyUnavailable } from '../../core/errors/failure-class.ts';
import type { EdgeContext } from '../../gateway/executor/edge-context.ts';
import { failedFetchAsFieldErrors } from '../../gateway/executor/failed-fetch-errors.ts';

const failing = (error: unknown): GraphQLDataSource<EdgeContext> => ({
  process: async () => {
    throw error;
  },
});

const fetchOf = (query: string, variables: Record<string, unknown> = {}) =>
  ({ kind: 'health check', request: { query, variables }, context: {} }) as unknown as GraphQLDataSourceProcessOptions<EdgeContext>;

describe('a fetch that failed as a whole', () => {
  it('answers one error per part it was to supply, with its path and without the error’s own HTTP status', async () => {
    const source = failedFetchAsFieldErrors(failing(dependencyUnavailable('keys', 'refused', "Subgraph 'keys'")));
    const entities = 'query Q($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { apiKeys { name } } } }';
    const answer = await source.process(fetchOf(entities, { representations: [{ __typename: 'User', id: '1' }, { __typename: 'User', id: '2' }] }));
    expect(answer.data).toBeUndefined();
    expect(answer.errors).toEqual(
      [0, 1].map((index) => ({
        message: "Subgraph 'keys' is unavailable; try again shortly",
        path: ['_entities', index, 'apiKeys'],
        extensions: { code: 'SERVICE_UNAVAILABLE', dependency: 'keys', reason: 'refused', retryAfterSeconds: 5 },
      })),
    );
  });

  it('still throws what has no contract code (a bug), to be masked and logged', async () => {
    const bug = new TypeError('undefined is not a function');
    await expect(failedFetchAsFieldErrors(failing(bug)).process(fetchOf('{ apiKeys { name } }'))).rejects.toBe(bug);
  });

  it('passes answers through untouched', async () => {
    const answer = { data: { apiKeys: [] } };
    const source = failedFetchAsFieldErrors({ process: async () => answer });
    expect(await source.process(fetchOf('{ apiKeys { name } }'))).toBe(answer);
  });
});
