import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { fetchResponsePaths } from '../../gateway/executor/fetch-response-paths.ts';

const schema = buildSchema(`
  interface Owned { owner: String }
  type User implements Owned { id: ID! owner: String apiKeys: [String] }
  type Team implements Owned { id: ID! owner: String members: [String] }
  type Query { me: User apiKeys: [String] }
`);

const paths = (query: string, variables: Record<string, unknown> = {}, operationName?: string) =>
  fetchResponsePaths(parse(query), { variables, operationName }, schema);

describe('the parts of a subgraph answer one query plan fetch asks for', () => {
  it('a root fetch: each top field by its response key, __typename left out', () => {
    expect(paths('query Q { __typename me { id } keys: apiKeys }')).toEqual([['me'], ['keys']]);
  });

  it('follows @skip and @include, literal or from the variables', () => {
    expect(paths('query Q($a: Boolean!, $b: Boolean!) { me @include(if: $a) { id } apiKeys @skip(if: $b) x: me @skip(if: true) { id } }', { a: false, b: false })).toEqual([['apiKeys']]);
  });

  it('picks the named operation of several', () => {
    expect(paths('query A { me { id } } query B { apiKeys }', {}, 'B')).toEqual([['apiKeys']]);
  });

  it('an entity fetch: the fields of each representation, by index, through the fragments of its type', () => {
    const query = `query Q($representations: [_Any!]!) { _entities(representations: $representations) {
      __typename ... on User { apiKeys ...Owner } ... on Team { members } } }
      fragment Owner on User { owner }`;
    const representations = [{ __typename: 'User', id: '1' }, { __typename: 'Team', id: '2' }, { __typename: 'User', id: '3' }];
    expect(paths(query, { representations })).toEqual([
      ['_entities', 0, 'apiKeys'],
      ['_entities', 0, 'owner'],
      ['_entities', 1, 'members'],
      ['_entities', 2, 'apiKeys'],
      ['_entities', 2, 'owner'],
    ]);
  });

  it('a fragment on an interface applies to the entities implementing it', () => {
    const query = 'query Q($representations: [_Any!]!) { _entities(representations: $representations) { ... on Owned { owner } } }';
    expect(paths(query, { representations: [{ __typename: 'Team', id: '2' }] })).toEqual([['_entities', 0, 'owner']]);
  });

  it('an entity fetch without representations asks for nothing', () => {
    expect(paths('query Q($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { apiKeys } } }')).toEqual([]);
  });
});
